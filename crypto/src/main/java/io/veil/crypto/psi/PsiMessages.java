package io.veil.crypto.psi;

import io.veil.crypto.Suite;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Wire format of every PSI message (all integers big-endian):
 * <pre>
 * "VPSI" | version 0x01 | type u8 | suite u8 (1 INTL, 2 GM) | session id 16 bytes
 *        | batch sequence u32 | last u8 (0/1) | item count u32 | items
 * </pre>
 * Items are fixed-size per type, so the payload length must be count x item size exactly.
 */
final class PsiMessages {
    static final int SESSION_ID_LENGTH = 16;
    static final int MAX_BATCH = 1 << 16;
    private static final byte[] MAGIC = {'V', 'P', 'S', 'I'};
    private static final byte VERSION = 1;
    static final int HEADER = MAGIC.length + 1 + 1 + 1 + SESSION_ID_LENGTH + 4 + 1 + 4;

    enum Type {
        /** responder to initiator: mode, HE scheme and public key (count = 1, item = the hello body). */
        HELLO(1),
        /** initiator to responder: H(x)^a for the initiator's keys, shuffled. */
        INITIATOR_BLINDED(2),
        /** responder to initiator: H(x)^ab for the initiator's points, shuffled again. */
        DOUBLE_BLINDED(3),
        /** responder to initiator: H(w)^b, and in SUM mode Enc(t), for the responder's entries, shuffled. */
        RESPONDER_ENTRIES(4),
        /** initiator to responder: intersection size, and in SUM mode the rerandomised encrypted sum. */
        RESULT(5);

        final int code;

        Type(int code) {
            this.code = code;
        }
    }

    record Frame(Type type, int sequence, boolean last, int count, byte[] body, int bodyOffset) {}

    private PsiMessages() {}

    static byte[] write(Type type, Suite suite, byte[] sessionId, int sequence, boolean last, int count, byte[] items) {
        return ByteBuffer.allocate(HEADER + items.length)
                .put(MAGIC).put(VERSION).put((byte) type.code).put(suiteCode(suite)).put(sessionId)
                .putInt(sequence).put((byte) (last ? 1 : 0)).putInt(count).put(items)
                .array();
    }

    /** Parses and checks the header against what the receiver expects; items are checked by the caller. */
    static Frame read(byte[] msg, Type expected, Suite suite, byte[] sessionId, int itemLength) {
        if (msg == null || msg.length < HEADER) {
            throw new PsiProtocolException("PSI message too short");
        }
        ByteBuffer in = ByteBuffer.wrap(msg);
        byte[] magic = new byte[MAGIC.length];
        in.get(magic);
        if (!Arrays.equals(magic, MAGIC) || in.get() != VERSION) {
            throw new PsiProtocolException("not a PSI v1 message");
        }
        int type = in.get();
        if (type != expected.code) {
            throw new PsiProtocolException("unexpected PSI message type " + type + ", expected " + expected);
        }
        if (in.get() != suiteCode(suite)) {
            throw new PsiProtocolException("PSI message for another suite");
        }
        byte[] sid = new byte[SESSION_ID_LENGTH];
        in.get(sid);
        if (!java.security.MessageDigest.isEqual(sid, sessionId)) {
            throw new PsiProtocolException("PSI message for another session");
        }
        int seq = in.getInt();
        byte last = in.get();
        int count = in.getInt();
        if (last != 0 && last != 1) {
            throw new PsiProtocolException("bad last-batch flag");
        }
        if (count < 0 || count > MAX_BATCH || (long) count * itemLength != in.remaining()) {
            throw new PsiProtocolException("PSI batch length does not match its item count");
        }
        return new Frame(expected, seq, last == 1, count, msg, HEADER);
    }

    private static byte suiteCode(Suite suite) {
        return (byte) (suite == Suite.INTL ? 1 : 2);
    }

    /** Accepts batches 0, 1, 2, ... of one stream, exactly one of them flagged last. */
    static final class Cursor {
        private final String stream;
        private int next;
        private boolean done;
        private long items;

        Cursor(String stream) {
            this.stream = stream;
        }

        void accept(Frame f, long maxItems) {
            if (done) {
                throw new PsiProtocolException(stream + ": batch after the last one");
            }
            if (f.sequence() != next) {
                throw new PsiProtocolException(stream + ": batch " + f.sequence() + " out of order, expected " + next);
            }
            if (items + f.count() > maxItems) {
                throw new PsiProtocolException(stream + ": more items than allowed");
            }
            next++;
            items += f.count();
            done = f.last();
        }

        boolean done() {
            return done;
        }

        long items() {
            return items;
        }
    }
}
