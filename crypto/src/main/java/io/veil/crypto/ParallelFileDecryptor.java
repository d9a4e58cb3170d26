package io.veil.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Decrypts a whole {@link StreamFormat} file into another file on several threads. Segments sit at
 * fixed offsets (header, then {@code segmentSize + tag} each; the last one shorter or full), so each
 * thread authenticates its own segments independently; the verdict is the same as
 * {@link SegmentedDecryptingStream}'s: the last segment is the one that ends the file and only it may
 * carry the last flag, so truncation, extension and reordering fail authentication. On any failure
 * the target is deleted before the exception is thrown — no unauthenticated plaintext remains.
 */
final class ParallelFileDecryptor {
    private static final String FAILED =
            "encrypted file failed authentication (tampered, truncated, reordered, wrong key or wrong associated data)";

    private ParallelFileDecryptor() {}

    static void decrypt(Suite suite, byte[] dataKey, byte[] aad, int segmentSize, Path source, Path target, int threads)
            throws IOException {
        boolean ok = false;
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long size = in.size();
            byte[] header = new byte[StreamFormat.HEADER_LENGTH];
            if (size < header.length || readFully(in, header, header.length, 0) < header.length) {
                throw new IOException("encrypted file truncated inside its header");
            }
            if (header[0] != StreamFormat.VERSION) {
                throw new IOException("unsupported encrypted stream version " + (header[0] & 0xff));
            }
            if (header[1] != StreamFormat.suiteByte(suite)) {
                throw new IOException("encrypted file was not written with suite " + suite);
            }
            int sealedSize = segmentSize + SegmentCipher.TAG_LENGTH;
            long body = size - header.length;
            long segments = Math.max(1, (body + sealedSize - 1) / sealedSize);
            long lastLength = body - (segments - 1) * sealedSize;
            if (lastLength < SegmentCipher.TAG_LENGTH || segments > StreamFormat.MAX_SEGMENTS) {
                throw new IOException(FAILED);
            }
            byte[] key = StreamFormat.segmentKey(suite, dataKey, header, aad == null ? new byte[0] : aad);
            try {
                run(suite, key, header, in, out, segments, lastLength, segmentSize, Math.max(1, threads));
            } finally {
                Arrays.fill(key, (byte) 0);
            }
            ok = true;
        } finally {
            if (!ok) {
                Files.deleteIfExists(target);
            }
        }
    }

    private static void run(Suite suite, byte[] key, byte[] header, FileChannel in, FileChannel out, long segments,
                            long lastLength, int segmentSize, int threads) throws IOException {
        int workers = (int) Math.min(threads, segments);
        AtomicBoolean failed = new AtomicBoolean();
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
                    decryptEvery(suite, key, header, in, out, first, workers, segments, lastLength, segmentSize, failed);
                    return null;
                }));
            }
            IOException error = null;
            for (Future<?> f : tasks) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
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

    /** Segments first, first + stride, …: read, authenticate, write plaintext at its own offset. */
    private static void decryptEvery(Suite suite, byte[] key, byte[] header, FileChannel in, FileChannel out, int first,
                                     int stride, long segments, long lastLength, int segmentSize, AtomicBoolean failed)
            throws IOException {
        int sealedSize = segmentSize + SegmentCipher.TAG_LENGTH;
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
            for (long i = first; i < segments && !failed.get(); i += stride) {
                boolean last = i == segments - 1;
                int length = last ? (int) lastLength : sealedSize;
                long offset = header.length + i * sealedSize;
                if (readFully(in, sealed, length, offset) < length) {
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
                long at = i * segmentSize;
                while (b.hasRemaining()) {
                    at += out.write(b, at);
                }
            }
        } catch (IOException e) {
            failed.set(true);
            throw e;
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    private static int readFully(FileChannel in, byte[] into, int length, long position) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(into, 0, length);
        while (b.hasRemaining()) {
            int n = in.read(b, position + b.position());
            if (n < 0) {
                break;
            }
        }
        return b.position();
    }
}
