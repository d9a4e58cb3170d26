package io.veil.crypto;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * A per-dataset data key (AES-256 or SM4) with streaming authenticated encryption. Callers never
 * choose IVs or modes. The stream format is segmented (each segment sealed with its own nonce and
 * a last-segment flag) so truncation, reordering and tampering are detected.
 */
public interface DataKey {
    Suite suite();

    /** Wraps {@code sink}; bytes written are encrypted; close() writes the final segment. */
    OutputStream encryptingStream(OutputStream sink, byte[] associatedData);

    /** Wraps {@code source}; read() throws {@link java.io.IOException} on any tampering or truncation. */
    InputStream decryptingStream(InputStream source, byte[] associatedData);

    /**
     * Decrypts a whole encrypted file (the {@link #encryptingStream} format) into {@code target}, which
     * must not exist, using every core. Throws {@link java.io.IOException} on any tampering,
     * truncation, reordering or wrong associated data, and then leaves no target file behind.
     */
    void decryptFile(java.nio.file.Path source, java.nio.file.Path target, byte[] associatedData) throws java.io.IOException;

    /** One-shot seal of a small message. */
    byte[] seal(byte[] plaintext, byte[] associatedData);

    /** One-shot open; throws {@link java.security.GeneralSecurityException} wrapped as IllegalArgumentException on failure. */
    byte[] open(byte[] ciphertext, byte[] associatedData);

    /**
     * Raw key bytes, only for handing the key to a sandbox worker over a pipe. Never log or persist
     * the result.
     */
    byte[] exportForWorker();

    static DataKey generate(Suite suite) {
        return AeadDataKey.generate(suite);
    }

    /** Inverse of {@link #exportForWorker()}: 32 raw bytes for INTL, 16 for GM. */
    static DataKey importFromGateway(Suite suite, byte[] raw) {
        return AeadDataKey.fromRaw(suite, raw);
    }
}
