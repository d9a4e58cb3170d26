package io.veil.ledger.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Frames of {@code log.dat}:
 * <pre>type(1) ‖ seq(8, big-endian) ‖ length(4) ‖ payload(length) ‖ crc32c(type … payload)(4)</pre>
 * HEADER (once, first): "veil-ledger/1\n&lt;suite&gt;\n&lt;origin&gt;\n". ENTRY: seq, stored entry bytes.
 * COMMIT: seq = tree size, payload = root hash; ends every group commit, written just before the
 * fsync, so "covered by a commit frame" means "was durable before it was acknowledged".
 * KEY: SPKI of a signing key used from here on.
 */
final class LogFormat {
    static final byte HEADER = 0;
    static final byte ENTRY = 1;
    static final byte COMMIT = 2;
    static final byte KEY = 3;
    static final int OVERHEAD = 1 + 8 + 4 + 4;
    static final int MAX_PAYLOAD = 1 << 20;
    static final String MAGIC = "veil-ledger/1";

    private LogFormat() {}

    static byte[] frame(byte type, long seq, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(OVERHEAD + payload.length);
        b.put(type).putLong(seq).putInt(payload.length).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** One frame at a known offset, read with two positional reads (thread-safe); null if it does not check out. */
    static Frame readAt(FileChannel ch, long pos) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(13);
        if (!readFully(ch, head, pos)) {
            return null;
        }
        head.flip();
        byte type = head.get();
        long seq = head.getLong();
        int length = head.getInt();
        if (type < HEADER || type > KEY || length < 0 || length > MAX_PAYLOAD) {
            return null;
        }
        ByteBuffer rest = ByteBuffer.allocate(length + 4);
        if (!readFully(ch, rest, pos + 13)) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(head.array(), 0, 13);
        crc.update(rest.array(), 0, length);
        if (ByteBuffer.wrap(rest.array(), length, 4).getInt() != (int) crc.getValue()) {
            return null;
        }
        return new Frame(type, seq, java.util.Arrays.copyOf(rest.array(), length), pos);
    }

    private static boolean readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                return false;
            }
        }
        return true;
    }

    /** A frame read back: where it starts and ends in the file. */
    record Frame(byte type, long seq, byte[] payload, long offset) {
        long end() {
            return offset + OVERHEAD + payload.length;
        }
    }

    /**
     * Buffered positional reader: scanning millions of small frames with one read per 1 MiB
     * instead of two system calls per frame.
     */
    static final class Reader {
        private final FileChannel ch;
        private final long fileSize;
        private final ByteBuffer window = ByteBuffer.allocate(MAX_PAYLOAD + OVERHEAD);
        private long windowStart = -1;

        Reader(FileChannel ch, long fileSize) {
            this.ch = ch;
            this.fileSize = fileSize;
        }

        long fileSize() {
            return fileSize;
        }

        /** The frame at {@code pos}, or null if it is incomplete, has an unknown type or length, or fails its CRC. */
        Frame read(long pos) throws IOException {
            return read(pos, true);
        }

        /**
         * Like {@link #read(long)} but returns a complete, well-typed frame even if its CRC fails: the
         * scanner uses it to tell a modified frame in the middle of the log from a torn tail.
         */
        Frame readIgnoringChecksum(long pos) throws IOException {
            return read(pos, false);
        }

        private Frame read(long pos, boolean checkCrc) throws IOException {
            if (pos + OVERHEAD > fileSize) {
                return null;
            }
            ByteBuffer head = slice(pos, 13);
            byte type = head.get();
            long seq = head.getLong();
            int length = head.getInt();
            if (type < HEADER || type > KEY || length < 0 || length > MAX_PAYLOAD || pos + OVERHEAD + length > fileSize) {
                return null;
            }
            ByteBuffer whole = slice(pos, OVERHEAD + length);
            CRC32C crc = new CRC32C();
            crc.update(whole.array(), whole.arrayOffset() + whole.position(), 13 + length);
            whole.position(whole.position() + 13);
            byte[] payload = new byte[length];
            whole.get(payload);
            if (whole.getInt() != (int) crc.getValue() && checkCrc) {
                return null;
            }
            return new Frame(type, seq, payload, pos);
        }

        /** A view of file bytes [pos, pos+len), refilling the window when needed. */
        private ByteBuffer slice(long pos, int len) throws IOException {
            if (windowStart < 0 || pos < windowStart || pos + len > windowStart + window.limit()) {
                window.clear();
                long end = Math.min(fileSize, pos + window.capacity());
                window.limit((int) (end - pos));
                while (window.hasRemaining()) {
                    if (ch.read(window, pos + window.position()) < 0) {
                        break;
                    }
                }
                window.flip();
                windowStart = pos;
            }
            ByteBuffer view = window.duplicate();
            view.position((int) (pos - windowStart));
            view.limit(view.position() + len);
            return view.slice();
        }
    }
}
