package io.veil.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongUnaryOperator;

/**
 * A {@link StreamFormat} file opened for random access: parsed header, segment geometry and derived
 * segment key. Segments sit at fixed offsets (header, then {@code segmentSize + tag} each; the last
 * one shorter or full), so each is read and authenticated on its own, and its plaintext goes to its
 * own offset of the target. The verdict per segment is the stream's: only the segment that ends the
 * file may carry the last flag and the index is in the nonce, so truncation, extension and
 * reordering fail authentication of the segments they touch. Shared by {@link ParallelFileDecryptor}
 * (every segment) and {@link PartialFileDecryptor} (the segments a query needs).
 */
final class EncryptedFile implements AutoCloseable {
    static final String FAILED =
            "encrypted file failed authentication (tampered, truncated, reordered, wrong key or wrong associated data)";

    private final Suite suite;
    private final FileChannel in;
    private final StreamFormat.Header header;
    private final long segments;
    private final int lastSealedLength;
    private final byte[] key;

    private EncryptedFile(Suite suite, byte[] dataKey, byte[] aad, FileChannel in) throws IOException {
        this.suite = suite;
        this.in = in;
        long size = in.size();
        byte[] version = new byte[1];
        if (readFully(in, version, 1, 0) < 1) {
            throw new IOException("encrypted file truncated inside its header");
        }
        byte[] h = new byte[StreamFormat.headerLength(version[0])];
        if (size < h.length || readFully(in, h, h.length, 0) < h.length) {
            throw new IOException("encrypted file truncated inside its header");
        }
        this.header = StreamFormat.parse(h, suite);
        int sealedSize = header.segmentSize() + SegmentCipher.TAG_LENGTH;
        long body = size - h.length;
        this.segments = Math.max(1, (body + sealedSize - 1) / sealedSize);
        long last = body - (segments - 1) * sealedSize;
        if (last < SegmentCipher.TAG_LENGTH || segments > StreamFormat.MAX_SEGMENTS) {
            throw new IOException(FAILED);
        }
        this.lastSealedLength = (int) last;
        this.key = StreamFormat.segmentKey(suite, dataKey, header, aad == null ? new byte[0] : aad);
    }

    /** Opens {@code source} and checks its header; nothing is authenticated yet. */
    static EncryptedFile open(Suite suite, byte[] dataKey, byte[] aad, Path source) throws IOException {
        FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
        try {
            return new EncryptedFile(suite, dataKey, aad, in);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    long segments() {
        return segments;
    }

    int segmentSize() {
        return header.segmentSize();
    }

    /** Plaintext length implied by the file length (authentic once the last segment verified). */
    long plaintextSize() {
        return (segments - 1) * segmentSize() + lastSealedLength - SegmentCipher.TAG_LENGTH;
    }

    /**
     * Decrypts segments {@code at(0) … at(count - 1)} into {@code out}, striped over up to {@code threads}
     * threads (on the caller's thread when one suffices). Throws the first failure; the other threads
     * stop early. Authentication failures carry {@link #FAILED}.
     */
    void decrypt(long count, LongUnaryOperator at, FileChannel out, int threads) throws IOException {
        int workers = (int) Math.min(Math.max(1, threads), count);
        AtomicBoolean failed = new AtomicBoolean();
        if (workers <= 1) {
            if (count > 0) {
                decryptStripe(at, 0, 1, count, out, failed);
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "veil-decrypt");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int first = w;
                tasks.add(pool.submit(() -> {
                    decryptStripe(at, first, workers, count, out, failed);
                    return null;
                }));
            }
            IOException error = null;
            for (Future<?> f : tasks) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (error == null) {
                        error = e.getCause() instanceof IOException io ? io : new IOException(FAILED);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("decryption interrupted");
                }
            }
            if (error != null) {
                throw error;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Entries first, first + stride, … of {@code at}: read, authenticate, write plaintext at its own offset. */
    private void decryptStripe(LongUnaryOperator at, int first, int stride, long count, FileChannel out, AtomicBoolean failed)
            throws IOException {
        int sealedSize = segmentSize() + SegmentCipher.TAG_LENGTH;
        byte[] sealed = new byte[sealedSize];
        byte[] plain = new byte[sealedSize];
        byte[] nonce = new byte[SegmentCipher.NONCE_LENGTH];
        SegmentCipher cipher;
        try {
            cipher = SegmentCipher.create(suite, key);
        } catch (GeneralSecurityException e) {
            throw new IOException("cipher of suite " + suite + " unavailable", e);
        }
        try {
            for (long k = first; k < count && !failed.get(); k += stride) {
                long i = at.applyAsLong(k);
                boolean last = i == segments - 1;
                int length = last ? lastSealedLength : sealedSize;
                if (readFully(in, sealed, length, header.length() + i * sealedSize) < length) {
                    throw new IOException(FAILED);
                }
                StreamFormat.nonce(nonce, header, i, last);
                int n;
                try {
                    n = cipher.open(nonce, null, sealed, 0, length, plain, 0);
                } catch (GeneralSecurityException e) {
                    throw new IOException(FAILED);
                }
                ByteBuffer b = ByteBuffer.wrap(plain, 0, n);
                long position = i * segmentSize();
                while (b.hasRemaining()) {
                    position += out.write(b, position);
                }
            }
        } catch (IOException | RuntimeException e) {
            failed.set(true);
            throw e;
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** Wipes the derived segment key and closes the source. */
    @Override
    public void close() throws IOException {
        Arrays.fill(key, (byte) 0);
        in.close();
    }

    private static int readFully(FileChannel in, byte[] into, int length, long position) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(into, 0, length);
        while (b.hasRemaining()) {
            if (in.read(b, position + b.position()) < 0) {
                break;
            }
        }
        return b.position();
    }
}
