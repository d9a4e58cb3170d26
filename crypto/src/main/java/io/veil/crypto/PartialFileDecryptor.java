package io.veil.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * {@link PartialDecryption} of a {@link StreamFormat} file (v1 or v2). Opening authenticates the last
 * segment, which makes the plaintext length authentic; {@link #decrypt} then authenticates each
 * requested segment once, remembering which are done. Segments per file are limited to
 * {@link Integer#MAX_VALUE} (8 TiB at the smallest segment size).
 */
final class PartialFileDecryptor implements PartialDecryption {
    private final EncryptedFile file;
    private final Path target;
    private final FileChannel out;
    private final int threads;
    private final BitSet done = new BitSet();
    private boolean failed;
    private boolean closed;

    private PartialFileDecryptor(EncryptedFile file, Path target, FileChannel out, int threads) {
        this.file = file;
        this.target = target;
        this.out = out;
        this.threads = Math.max(1, threads);
    }

    /** Opens {@code source}, creates {@code target} (must not exist) and authenticates the last segment. */
    static PartialDecryption open(Suite suite, byte[] dataKey, byte[] aad, Path source, Path target, int threads)
            throws IOException {
        Objects.requireNonNull(target, "target");
        EncryptedFile file = EncryptedFile.open(suite, dataKey, aad, source);
        FileChannel out;
        try {
            if (file.segments() > Integer.MAX_VALUE) {
                throw new IOException("encrypted file has too many segments for partial decryption");
            }
            out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SPARSE);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
        PartialFileDecryptor partial = new PartialFileDecryptor(file, target, out, threads);
        long size = file.plaintextSize();
        partial.decryptSegments((int) (file.segments() - 1));
        if (size > 0 && partial.out.size() < size) {
            // The last segment was empty: extend the (still untouched) file to the plaintext length.
            partial.guarded(() -> partial.out.write(ByteBuffer.allocate(1), size - 1));
        }
        return partial;
    }

    @Override
    public long plaintextSize() {
        return file.plaintextSize();
    }

    @Override
    public void decrypt(List<ByteRange> ranges) throws IOException {
        ensureUsable();
        long size = plaintextSize();
        long segmentSize = file.segmentSize();
        for (ByteRange r : ranges) {
            if (r.offset() > size || (r.offset() == size && r.length() > 0)) {
                throw new IllegalArgumentException("byte range " + r.offset() + "+" + r.length()
                        + " starts past the plaintext end " + size);
            }
        }
        BitSet wanted = new BitSet();
        for (ByteRange r : ranges) {
            long end = Math.min(r.end(), size);
            if (end > r.offset()) {
                wanted.set((int) (r.offset() / segmentSize), (int) ((end - 1) / segmentSize) + 1);
            }
        }
        wanted.andNot(done);
        decryptSegments(wanted.stream().toArray());
    }

    /** Decrypts the given segments (ascending, none done yet) and remembers them as done. */
    private void decryptSegments(int... segments) throws IOException {
        guarded(() -> file.decrypt(segments.length, k -> segments[(int) k], out, threads));
        for (int i : segments) {
            done.set(i);
        }
    }

    private interface Io {
        void run() throws IOException;
    }

    /** Runs {@code io}; on any failure deletes the target and fails this object for good. */
    private void guarded(Io io) throws IOException {
        boolean ok = false;
        try {
            io.run();
            ok = true;
        } finally {
            if (!ok) {
                failed = true;
                closeQuietly();
                Files.deleteIfExists(target);
            }
        }
    }

    private void ensureUsable() throws IOException {
        if (failed) {
            throw new IOException("partial decryption failed earlier; its target was deleted");
        }
        if (closed) {
            throw new IOException("partial decryption closed");
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (UncheckedIOException ignored) {
            // The failure being reported matters more.
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        IOException error = null;
        try {
            file.close();
        } catch (IOException e) {
            error = e;
        }
        try {
            out.close();
        } catch (IOException e) {
            error = error == null ? e : error;
        }
        if (error != null) {
            throw new UncheckedIOException("closing a partially decrypted file failed", error);
        }
    }
}
