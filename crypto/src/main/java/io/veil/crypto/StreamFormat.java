package io.veil.crypto;

import java.io.IOException;
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
 * header v2 = version(1) = 2 ‖ suite(1) ‖ segmentShift(1) ‖ salt(16) ‖ noncePrefix(7)   segmentSize = 1 &lt;&lt; segmentShift, shift 12..24
 * header v1 = version(1) = 1 ‖ suite(1) ‖ salt(16) ‖ noncePrefix(7)                      segmentSize = 1 MiB (implied)
 * segment   = GCM(segmentKey, nonce = noncePrefix ‖ counter(4, big-endian) ‖ lastFlag(1), plaintext ≤ segmentSize)
 * segmentKey = HKDF(SHA-256 | SM3, ikm = dataKey, salt, info = LABEL ‖ header ‖ associatedData)
 * </pre>
 *
 * New streams are written as v2 (default 64 KiB segments, so reading one Parquet column chunk
 * decrypts little beyond it); v1 streams still decrypt. Every segment except the last holds exactly
 * segmentSize plaintext bytes; the last one may be empty. A fresh key per stream (random salt) means
 * nonces never repeat across streams of one data key; binding the whole header (including the
 * segment shift) and the associated data into the key means a wrong AAD or an edited header fails on
 * the first segment opened, at no per-segment cost. Counter and flag in the nonce catch reorder,
 * truncation and extension. Segments sit at fixed offsets ({@code headerLength + i * (segmentSize +
 * 16)}), so any one of them can be read and authenticated on its own.
 */
final class StreamFormat {
    static final byte VERSION_1 = 1;
    static final byte VERSION_2 = 2;
    static final int SALT_LENGTH = 16;
    static final int PREFIX_LENGTH = 7;
    static final int V1_HEADER_LENGTH = 2 + SALT_LENGTH + PREFIX_LENGTH;
    /** Length of the header written today (v2). */
    static final int HEADER_LENGTH = V1_HEADER_LENGTH + 1;
    /** The segment size a v1 header implies. */
    static final int V1_SEGMENT_SIZE = 1 << 20;
    static final int MIN_SEGMENT_SHIFT = 12;
    static final int MAX_SEGMENT_SHIFT = 24;
    static final int DEFAULT_SEGMENT_SIZE = 1 << 16;
    /** 2^32 segments: the counter is 4 bytes. */
    static final long MAX_SEGMENTS = 1L << 32;
    private static final byte[] LABEL = "veil/stream-aead/v1".getBytes(StandardCharsets.US_ASCII);

    private StreamFormat() {}

    /** A header as written or read: its exact bytes (bound into the key) and what they say. */
    record Header(byte[] bytes, int segmentSize) {
        private int saltOffset() {
            return bytes.length - SALT_LENGTH - PREFIX_LENGTH;
        }

        int length() {
            return bytes.length;
        }
    }

    static byte suiteByte(Suite suite) {
        return (byte) (suite == Suite.INTL ? 1 : 2);
    }

    /** The shift of a segment size allowed in a v2 header; IllegalArgumentException otherwise. */
    static int segmentShift(int segmentSize) {
        int shift = Integer.numberOfTrailingZeros(segmentSize);
        if (Integer.bitCount(segmentSize) != 1 || shift < MIN_SEGMENT_SHIFT || shift > MAX_SEGMENT_SHIFT) {
            throw new IllegalArgumentException("segment size must be a power of two from 2^" + MIN_SEGMENT_SHIFT
                    + " to 2^" + MAX_SEGMENT_SHIFT + ", not " + segmentSize);
        }
        return shift;
    }

    /** A fresh v2 header (random salt and nonce prefix). */
    static Header newHeader(Suite suite, int segmentSize) {
        int shift = segmentShift(segmentSize);
        byte[] header = new byte[HEADER_LENGTH];
        header[0] = VERSION_2;
        header[1] = suiteByte(suite);
        header[2] = (byte) shift;
        random(header, 3);
        return new Header(header, segmentSize);
    }

    /** A fresh v1 header, as written before segment sizes were recorded; only tests still write these. */
    static Header newV1Header(Suite suite) {
        byte[] header = new byte[V1_HEADER_LENGTH];
        header[0] = VERSION_1;
        header[1] = suiteByte(suite);
        random(header, 2);
        return new Header(header, V1_SEGMENT_SIZE);
    }

    private static void random(byte[] header, int from) {
        byte[] random = new byte[SALT_LENGTH + PREFIX_LENGTH];
        Providers.RANDOM.nextBytes(random);
        System.arraycopy(random, 0, header, from, random.length);
    }

    /** Header length announced by the version byte (the first header byte). */
    static int headerLength(byte version) throws IOException {
        return switch (version) {
            case VERSION_1 -> V1_HEADER_LENGTH;
            case VERSION_2 -> HEADER_LENGTH;
            default -> throw new IOException("unsupported encrypted stream version " + (version & 0xff));
        };
    }

    /**
     * Checks a complete header read from a stream or file ({@link #headerLength} bytes) against the
     * expected suite. A v2 segment shift outside 12..24 is refused as tampering; one inside the range
     * but edited changes the derived key, so the first segment opened fails authentication.
     */
    static Header parse(byte[] header, Suite suite) throws IOException {
        if (header.length != headerLength(header[0])) {
            throw new IOException("encrypted stream header has the wrong length");
        }
        if (header[1] != suiteByte(suite)) {
            throw new IOException("encrypted stream was not written with suite " + suite);
        }
        if (header[0] == VERSION_1) {
            return new Header(header, V1_SEGMENT_SIZE);
        }
        int shift = header[2];
        if (shift < MIN_SEGMENT_SHIFT || shift > MAX_SEGMENT_SHIFT) {
            throw new IOException("encrypted stream header has an invalid segment size (tampered)");
        }
        return new Header(header, 1 << shift);
    }

    static byte[] segmentKey(Suite suite, byte[] dataKey, Header header, byte[] aad) {
        byte[] h = header.bytes();
        byte[] info = new byte[LABEL.length + h.length + aad.length];
        System.arraycopy(LABEL, 0, info, 0, LABEL.length);
        System.arraycopy(h, 0, info, LABEL.length, h.length);
        System.arraycopy(aad, 0, info, LABEL.length + h.length, aad.length);
        byte[] salt = new byte[SALT_LENGTH];
        System.arraycopy(h, header.saltOffset(), salt, 0, SALT_LENGTH);
        Digest digest = suite == Suite.INTL ? new SHA256Digest() : new SM3Digest();
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(digest);
        hkdf.init(new HKDFParameters(dataKey, salt, info));
        byte[] key = new byte[dataKey.length];
        hkdf.generateBytes(key, 0, key.length);
        return key;
    }

    /** Writes the nonce for {@code segment} into {@code nonce} (12 bytes). */
    static void nonce(byte[] nonce, Header header, long segment, boolean last) {
        System.arraycopy(header.bytes(), header.saltOffset() + SALT_LENGTH, nonce, 0, PREFIX_LENGTH);
        nonce[7] = (byte) (segment >>> 24);
        nonce[8] = (byte) (segment >>> 16);
        nonce[9] = (byte) (segment >>> 8);
        nonce[10] = (byte) segment;
        nonce[11] = (byte) (last ? 1 : 0);
    }
}
