package io.veil.crypto;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * Segmented streaming AEAD, modelled on Tink's AES-GCM-HKDF streaming format.
 *
 * <pre>
 * header  = version(1) ‖ suite(1) ‖ salt(16) ‖ noncePrefix(7)
 * segment = GCM(segmentKey, nonce = noncePrefix ‖ counter(4, big-endian) ‖ lastFlag(1), plaintext ≤ segmentSize)
 * segmentKey = HKDF(SHA-256 | SM3, ikm = dataKey, salt, info = LABEL ‖ header ‖ associatedData)
 * </pre>
 *
 * Every segment except the last holds exactly segmentSize plaintext bytes; the last one may be
 * empty. A fresh key per stream (random salt) means nonces never repeat across streams of one data
 * key; binding header and associated data into the key means a wrong AAD or an edited header
 * fails on the first segment at no per-segment cost. Counter and flag in the nonce catch reorder,
 * truncation and extension.
 */
final class StreamFormat {
    static final byte VERSION = 1;
    static final int SALT_LENGTH = 16;
    static final int PREFIX_LENGTH = 7;
    static final int HEADER_LENGTH = 2 + SALT_LENGTH + PREFIX_LENGTH;
    /** 2^32 segments: the counter is 4 bytes. */
    static final long MAX_SEGMENTS = 1L << 32;
    private static final byte[] LABEL = "veil/stream-aead/v1".getBytes(StandardCharsets.US_ASCII);

    private StreamFormat() {}

    static byte suiteByte(Suite suite) {
        return (byte) (suite == Suite.INTL ? 1 : 2);
    }

    static byte[] newHeader(Suite suite) {
        byte[] header = new byte[HEADER_LENGTH];
        header[0] = VERSION;
        header[1] = suiteByte(suite);
        byte[] random = new byte[SALT_LENGTH + PREFIX_LENGTH];
        Providers.RANDOM.nextBytes(random);
        System.arraycopy(random, 0, header, 2, random.length);
        return header;
    }

    static byte[] segmentKey(Suite suite, byte[] dataKey, byte[] header, byte[] aad) {
        byte[] info = new byte[LABEL.length + header.length + aad.length];
        System.arraycopy(LABEL, 0, info, 0, LABEL.length);
        System.arraycopy(header, 0, info, LABEL.length, header.length);
        System.arraycopy(aad, 0, info, LABEL.length + header.length, aad.length);
        byte[] salt = new byte[SALT_LENGTH];
        System.arraycopy(header, 2, salt, 0, SALT_LENGTH);
        Digest digest = suite == Suite.INTL ? new SHA256Digest() : new SM3Digest();
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(digest);
        hkdf.init(new HKDFParameters(dataKey, salt, info));
        byte[] key = new byte[dataKey.length];
        hkdf.generateBytes(key, 0, key.length);
        return key;
    }

    /** Writes the nonce for {@code segment} into {@code nonce} (12 bytes). */
    static void nonce(byte[] nonce, byte[] header, long segment, boolean last) {
        System.arraycopy(header, 2 + SALT_LENGTH, nonce, 0, PREFIX_LENGTH);
        nonce[7] = (byte) (segment >>> 24);
        nonce[8] = (byte) (segment >>> 16);
        nonce[9] = (byte) (segment >>> 8);
        nonce[10] = (byte) segment;
        nonce[11] = (byte) (last ? 1 : 0);
    }
}
