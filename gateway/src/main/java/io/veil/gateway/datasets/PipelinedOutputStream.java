package io.veil.gateway.datasets;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hands what is written to a second thread that writes it on to {@code delegate}, in chunks, so the
 * ingest thread (parsing, statistics) and the encryption (the delegate) run on two cores instead of
 * taking turns on one (docs/benchmarks.md). A failure of the delegate surfaces as an IOException on
 * the next write or on close; close waits until everything reached the delegate and closes it.
 * Chunks are recycled (bounded memory) and zeroed when the stream closes.
 */
public final class PipelinedOutputStream extends OutputStream {
    static final int CHUNK = 1 << 20;
    private static final int CHUNKS = 4;
    private static final byte[] END = new byte[0];

    private final OutputStream delegate;
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(CHUNKS);
    private final BlockingQueue<byte[]> full = new ArrayBlockingQueue<>(CHUNKS + 1);
    private final BlockingQueue<Integer> lengths = new ArrayBlockingQueue<>(CHUNKS + 1);
    private final Thread writer;
    private volatile IOException failure;
    private byte[] current;
    private int used;
    private boolean closed;

    public PipelinedOutputStream(OutputStream delegate) {
        this.delegate = delegate;
        for (int i = 0; i < CHUNKS; i++) {
            free.add(new byte[CHUNK]);
        }
        writer = new Thread(this::drain, "veil-ingest-writer");
        writer.setDaemon(true);
        writer.start();
    }

    private void drain() {
        try {
            while (true) {
                byte[] chunk = full.take();
                if (chunk == END) {
                    return;
                }
                int n = lengths.take();
                if (failure == null) {
                    try {
                        delegate.write(chunk, 0, n);
                    } catch (IOException | RuntimeException e) {
                        failure = e instanceof IOException io ? io : new IOException(e);
                    }
                }
                free.put(chunk);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("stream closed");
        }
        while (len > 0) {
            if (current == null) {
                current = take();
                used = 0;
            }
            int n = Math.min(len, CHUNK - used);
            System.arraycopy(b, off, current, used, n);
            used += n;
            off += n;
            len -= n;
            if (used == CHUNK) {
                hand(current, used);
                current = null;
            }
        }
    }

    private byte[] take() throws IOException {
        checkFailure();
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        }
    }

    private void hand(byte[] chunk, int n) throws IOException {
        checkFailure();
        try {
            lengths.put(n);
            full.put(chunk);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        }
    }

    private void checkFailure() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw new IOException("writing the encrypted copy failed", f);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException error = null;
        try {
            if (current != null && used > 0) {
                hand(current, used);
                current = null;
            }
        } catch (IOException e) {
            error = e;
        }
        try {
            full.put(END); // always, so the writer thread ends even after a failure
            writer.join();
        } catch (InterruptedException e) {
            writer.interrupt();
            Thread.currentThread().interrupt();
            error = new InterruptedIOException("interrupted while finishing the upload");
        } finally {
            free.forEach(c -> Arrays.fill(c, (byte) 0));
            if (current != null) {
                Arrays.fill(current, (byte) 0);
            }
        }
        if (error == null && failure != null) {
            error = new IOException("writing the encrypted copy failed", failure);
        }
        try {
            delegate.close();
        } catch (IOException e) {
            if (error == null) {
                error = e;
            }
        }
        if (error != null) {
            throw error;
        }
    }
}
