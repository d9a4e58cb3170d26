package io.veil.crypto;

import java.io.IOException;
import java.util.List;

/**
 * An encrypted file being decrypted piece by piece into a sparse target file of the full plaintext
 * length (see {@link DataKey#decryptPartially}). Only the segments holding requested bytes are read
 * and authenticated, so tampering with parts never requested goes unnoticed: callers must only read
 * the ranges they asked for — everything else reads as zero bytes. Not thread-safe: use one instance
 * from one thread at a time.
 */
public interface PartialDecryption extends AutoCloseable {
    /** The plaintext length; authentic, because the last segment was authenticated on open. */
    long plaintextSize();

    /**
     * Decrypts and authenticates every segment overlapping any of {@code ranges} that this object has
     * not decrypted before, using every core, and writes its plaintext at its own offset in the target.
     * A range reaching past {@link #plaintextSize()} is clamped to it; a non-empty range starting at or
     * past it (or an empty one starting past it) is an {@link IllegalArgumentException}, raised before
     * anything is decrypted. On any failure (authentication or I/O) the target is deleted, this object
     * fails for good (every later call throws {@link IOException}) and the exception is thrown.
     */
    void decrypt(List<ByteRange> ranges) throws IOException;

    /**
     * Closes the encrypted file and the target and wipes the key material; the target stays in place
     * (the caller owns and deletes it). Idempotent. Throws {@link java.io.UncheckedIOException} if
     * closing a file failed (after wiping the key).
     */
    @Override
    void close();
}
