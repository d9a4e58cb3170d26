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

    /**
     * Starts decrypting only parts of an encrypted file (the {@link #encryptingStream} format), e.g.
     * the column chunks of a Parquet file that a query reads. Opens {@code source}, creates
     * {@code target} (must not exist) as a sparse file of the full plaintext length, and at once
     * decrypts and authenticates the last segment, so the plaintext length is authentic: truncation or
     * extension, at a segment boundary or not, fails here (only the true last segment carries the last
     * flag, and segment indices are in the nonces). Wrong key, wrong associated data or an edited
     * header fail here too. Then {@link PartialDecryption#decrypt} fills in requested ranges.
     *
     * <p>Only segments actually decrypted are authenticated; ranges never decrypted read as zero bytes
     * and tampering inside them goes unnoticed, so callers must only read what they asked for. On any
     * failure (here or later) the target is deleted and an {@link java.io.IOException} thrown. The
     * caller closes the result and owns (deletes) the target.
     */
    PartialDecryption decryptPartially(java.nio.file.Path source, java.nio.file.Path target, byte[] associatedData)
            throws java.io.IOException;

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
