package io.veil.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Encrypts into the {@link StreamFormat}. A full buffer is only sealed once more data arrives,
 * because until then it might be the last segment. Memory: two segment-sized buffers, reused.
 * Any failure poisons the stream: retrying a segment whose ciphertext may already be out would
 * reuse its nonce for different plaintext, which breaks GCM.
 */
final class SegmentedEncryptingStream extends OutputStream {
    private final OutputStream sink;
    private final StreamFormat.Header header;
    private final SegmentCipher cipher;
    private final byte[] nonce = new byte[SegmentCipher.NONCE_LENGTH];
    private final byte[] plain;
    private final byte[] sealed;
    private int buffered;
    private long segment;
    private boolean headerWritten;
    private boolean closed;
    private boolean failed;

    /** {@code header} is a fresh one from {@link StreamFormat#newHeader} (or {@code newV1Header} in tests). */
    SegmentedEncryptingStream(OutputStream sink, Suite suite, byte[] dataKey, byte[] aad, StreamFormat.Header header) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.header = header;
        byte[] key = StreamFormat.segmentKey(suite, dataKey, header, aad == null ? new byte[0] : aad);
        try {
            this.cipher = SegmentCipher.create(suite, key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cipher of suite " + suite + " unavailable", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        this.plain = new byte[header.segmentSize()];
        this.sealed = new byte[header.segmentSize() + SegmentCipher.TAG_LENGTH];
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (buffered == plain.length) {
            seal(plain, 0, buffered, false);
        }
        plain[buffered++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        while (len > 0) {
            if (buffered == plain.length) {
                seal(plain, 0, buffered, false);
            }
            if (buffered == 0 && len > plain.length) {
                // More than a segment remains, so this one is not last: seal straight from the caller's array.
                seal(b, off, plain.length, false);
                off += plain.length;
                len -= plain.length;
                continue;
            }
            int n = Math.min(len, plain.length - buffered);
            System.arraycopy(b, off, plain, buffered, n);
            buffered += n;
            off += n;
            len -= n;
        }
    }

    /** Flushes the sink only: a partial segment cannot be sealed before we know whether it is last. */
    @Override
    public void flush() throws IOException {
        sink.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (!failed) {
                seal(plain, 0, buffered, true);
                sink.flush();
            }
        } finally {
            closed = true;
            Arrays.fill(plain, (byte) 0);
            sink.close();
        }
    }

    private void seal(byte[] in, int off, int len, boolean last) throws IOException {
        if (segment >= StreamFormat.MAX_SEGMENTS) {
            throw new IOException("stream too long for the segment counter");
        }
        boolean done = false;
        try {
            if (!headerWritten) {
                sink.write(header.bytes());
                headerWritten = true;
            }
            StreamFormat.nonce(nonce, header, segment, last);
            int n = cipher.seal(nonce, null, in, off, len, sealed, 0);
            sink.write(sealed, 0, n);
            done = true;
        } catch (GeneralSecurityException e) {
            throw new IOException("segment encryption failed", e);
        } finally {
            failed = !done;
        }
        segment++;
        if (in == plain) {
            buffered = 0;
        }
    }

    private void ensureOpen() throws IOException {
        if (closed || failed) {
            throw new IOException(failed ? "encrypting stream failed earlier; output is incomplete" : "stream closed");
        }
    }
}
