package io.veil.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * AES-256 (INTL) or SM4 (GM) data key. Streams use {@link StreamFormat}; one-shot messages are
 * {@code nonce(12, random) ‖ GCM ciphertext ‖ tag} under the raw key (random 96-bit nonces keep
 * the usual 2^32 messages-per-key bound, far above what a wrapped data key or a KEK sees).
 */
final class AeadDataKey implements DataKey {
    private final Suite suite;
    private final byte[] key;

    private AeadDataKey(Suite suite, byte[] key) {
        this.suite = suite;
        this.key = key;
    }

    static int keyLength(Suite suite) {
        return suite == Suite.INTL ? 32 : 16;
    }

    static AeadDataKey generate(Suite suite) {
        byte[] key = new byte[keyLength(suite)];
        Providers.RANDOM.nextBytes(key);
        return new AeadDataKey(suite, key);
    }

    static AeadDataKey fromRaw(Suite suite, byte[] raw) {
        if (suite == null || raw == null || raw.length != keyLength(suite)) {
            throw new IllegalArgumentException("a " + suite + " data key is " + (suite == null ? "?" : keyLength(suite)) + " bytes");
        }
        return new AeadDataKey(suite, raw.clone());
    }

    @Override public Suite suite() { return suite; }

    @Override
    public OutputStream encryptingStream(OutputStream sink, byte[] associatedData) {
        return encryptingStream(sink, associatedData, StreamFormat.DEFAULT_SEGMENT_SIZE);
    }

    /** A v2 stream with {@code segmentSize} plaintext bytes per segment (a power of two, 4 KiB … 16 MiB). */
    OutputStream encryptingStream(OutputStream sink, byte[] associatedData, int segmentSize) {
        return new SegmentedEncryptingStream(sink, suite, key, associatedData, StreamFormat.newHeader(suite, segmentSize));
    }

    /** Tests only: a stream in the old v1 format (no segment size in the header, 1 MiB segments). */
    OutputStream encryptingStreamV1(OutputStream sink, byte[] associatedData) {
        return new SegmentedEncryptingStream(sink, suite, key, associatedData, StreamFormat.newV1Header(suite));
    }

    /** Reads v1 and v2 streams; the segment size comes from the header. */
    @Override
    public InputStream decryptingStream(InputStream source, byte[] associatedData) {
        return new SegmentedDecryptingStream(source, suite, key, associatedData);
    }

    @Override
    public void decryptFile(Path source, Path target, byte[] associatedData) throws IOException {
        decryptFile(source, target, associatedData, Runtime.getRuntime().availableProcessors());
    }

    void decryptFile(Path source, Path target, byte[] associatedData, int threads) throws IOException {
        ParallelFileDecryptor.decrypt(suite, key, associatedData, source, target, threads);
    }

    @Override
    public PartialDecryption decryptPartially(Path source, Path target, byte[] associatedData) throws IOException {
        return decryptPartially(source, target, associatedData, Runtime.getRuntime().availableProcessors());
    }

    PartialDecryption decryptPartially(Path source, Path target, byte[] associatedData, int threads) throws IOException {
        return PartialFileDecryptor.open(suite, key, associatedData, source, target, threads);
    }

    @Override
    public byte[] seal(byte[] plaintext, byte[] associatedData) {
        byte[] out = new byte[SegmentCipher.NONCE_LENGTH + plaintext.length + SegmentCipher.TAG_LENGTH];
        byte[] nonce = new byte[SegmentCipher.NONCE_LENGTH];
        Providers.RANDOM.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, 0, nonce.length);
        try {
            SegmentCipher.create(suite, key).seal(nonce, associatedData, plaintext, 0, plaintext.length, out, nonce.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption with suite " + suite + " failed", e);
        }
    }

    @Override
    public byte[] open(byte[] ciphertext, byte[] associatedData) {
        int bodyLength = ciphertext.length - SegmentCipher.NONCE_LENGTH;
        if (bodyLength < SegmentCipher.TAG_LENGTH) {
            throw new IllegalArgumentException("ciphertext too short");
        }
        byte[] nonce = Arrays.copyOf(ciphertext, SegmentCipher.NONCE_LENGTH);
        byte[] out = new byte[bodyLength];
        try {
            int n = SegmentCipher.create(suite, key).open(nonce, associatedData, ciphertext, nonce.length, bodyLength, out, 0);
            return Arrays.copyOf(out, n);
        } catch (GeneralSecurityException e) {
            Arrays.fill(out, (byte) 0);
            throw new IllegalArgumentException("decryption failed (tampered, wrong key or wrong associated data)", e);
        }
    }

    @Override
    public byte[] exportForWorker() {
        return key.clone();
    }

    @Override
    public String toString() {
        return "DataKey[" + suite + "]";
    }
}
