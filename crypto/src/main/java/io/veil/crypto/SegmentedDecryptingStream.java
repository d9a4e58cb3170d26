package io.veil.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Decrypts the {@link StreamFormat}. Reads one byte beyond each full segment to learn whether it is
 * the last one, so an appended or removed segment changes the last-flag and fails authentication.
 * Plaintext of a segment is released only after its tag verified. Any failure poisons the stream.
 */
final class SegmentedDecryptingStream extends InputStream {
    private static final String FAILED =
            "encrypted stream failed authentication (tampered, truncated, reordered, wrong key or wrong associated data)";

    private final InputStream source;
    private final Suite suite;
    private final byte[] dataKey;
    private final byte[] aad;
    private final byte[] nonce = new byte[SegmentCipher.NONCE_LENGTH];
    private StreamFormat.Header header;
    private SegmentCipher cipher;
    private byte[] sealed;
    private byte[] plain;
    private int carried;   // bytes already in `sealed` from the previous look-ahead
    private int position;
    private int limit;
    private long segment;
    private boolean finished;
    private IOException failure;

    /** Reads v1 and v2 streams; the segment size comes from the header. */
    SegmentedDecryptingStream(InputStream source, Suite suite, byte[] dataKey, byte[] aad) {
        this.source = Objects.requireNonNull(source, "source");
        this.suite = suite;
        this.dataKey = dataKey.clone();
        this.aad = aad == null ? new byte[0] : aad.clone();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (failure != null) {
            throw failure;
        }
        if (len == 0) {
            return 0;
        }
        while (position == limit) {
            if (finished) {
                return -1;
            }
            try {
                nextSegment();
            } catch (IOException e) {
                failure = e;
                if (plain != null) {
                    Arrays.fill(plain, (byte) 0);
                }
                throw e;
            }
        }
        int n = Math.min(len, limit - position);
        System.arraycopy(plain, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        return limit - position;
    }

    @Override
    public void close() throws IOException {
        finished = true;
        position = limit = 0;
        if (plain != null) {
            Arrays.fill(plain, (byte) 0);
        }
        Arrays.fill(dataKey, (byte) 0);
        source.close();
    }

    private void nextSegment() throws IOException {
        if (cipher == null) {
            start();
        }
        int want = sealed.length;   // one full sealed segment plus one look-ahead byte
        int have = carried + readFully(sealed, carried, want - carried);
        boolean last = have < want;
        int length = last ? have : want - 1;
        if (length < SegmentCipher.TAG_LENGTH) {
            throw new IOException(FAILED);
        }
        if (segment >= StreamFormat.MAX_SEGMENTS) {
            throw new IOException("encrypted stream has too many segments");
        }
        StreamFormat.nonce(nonce, header, segment, last);
        try {
            limit = cipher.open(nonce, null, sealed, 0, length, plain, 0);
        } catch (GeneralSecurityException e) {
            throw new IOException(FAILED);
        }
        position = 0;
        segment++;
        if (last) {
            finished = true;
            carried = 0;
        } else {
            sealed[0] = sealed[want - 1];
            carried = 1;
        }
    }

    private void start() throws IOException {
        byte[] version = new byte[1];
        if (readFully(version, 0, 1) < 1) {
            throw new IOException("encrypted stream truncated inside its header");
        }
        byte[] h = new byte[StreamFormat.headerLength(version[0])];
        h[0] = version[0];
        if (readFully(h, 1, h.length - 1) < h.length - 1) {
            throw new IOException("encrypted stream truncated inside its header");
        }
        header = StreamFormat.parse(h, suite);
        byte[] key = StreamFormat.segmentKey(suite, dataKey, header, aad);
        try {
            cipher = SegmentCipher.create(suite, key);
        } catch (GeneralSecurityException e) {
            throw new IOException("cipher of suite " + suite + " unavailable", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        int segmentSize = header.segmentSize();
        sealed = new byte[segmentSize + SegmentCipher.TAG_LENGTH + 1];
        plain = new byte[segmentSize + SegmentCipher.TAG_LENGTH];
    }

    private int readFully(byte[] b, int off, int len) throws IOException {
        int total = 0;
        while (total < len) {
            int n = source.read(b, off + total, len - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
