package io.veil.crypto.psi;

import io.veil.crypto.Suite;
import io.veil.crypto.he.AdditiveHe;
import io.veil.crypto.he.HeCiphertext;
import io.veil.crypto.he.HePublicKey;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The party holding join keys only (in Veil: the social-data zone). It learns the intersection
 * size; in SUM mode it also holds the sum encrypted under the responder's HE key, which it cannot
 * decrypt and returns rerandomised. See docs/psi.md for the message flow.
 *
 * <p>Order of calls: {@link #acceptHello}; send every batch of {@link #blindedKeys()}; feed every
 * DOUBLE_BLINDED batch to {@link #acceptDoubleBlinded}, then every RESPONDER_ENTRIES batch to
 * {@link #acceptResponderEntries}; finally send {@link #result()}. Out-of-order calls are an
 * IllegalStateException, malformed messages a {@link PsiProtocolException}. Not thread-safe.
 */
public final class PsiInitiator {
    static final int DEFAULT_BATCH = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PsiParty party;
    private final byte[] sessionId;
    private final int batchSize;
    private final int setSize;
    private List<byte[]> keys;
    private boolean blindingStarted;
    private PsiMode mode;
    private HePublicKey heKey;
    private final PsiMessages.Cursor doubleBlindedCursor = new PsiMessages.Cursor("DOUBLE_BLINDED");
    private final PsiMessages.Cursor entriesCursor = new PsiMessages.Cursor("RESPONDER_ENTRIES");
    private Set<ByteBuffer> ownDoubleBlinded;
    private long matched;
    private HeCiphertext encryptedSum;

    private PsiInitiator(PsiParty party, byte[] sessionId, Collection<byte[]> keys, int batchSize) {
        this.party = party;
        this.sessionId = sessionId;
        this.batchSize = batchSize;
        this.keys = PsiInputs.distinct(keys);
        PsiParty.shuffle(this.keys);
        this.setSize = this.keys.size();
        this.ownDoubleBlinded = new HashSet<>(Math.max(16, setSize * 2));
    }

    /** Starts a session over {@code keys} (duplicates collapse: set semantics) with a fresh session id and exponent. */
    public static PsiInitiator create(Suite suite, Collection<byte[]> keys) {
        return create(PsiParty.create(suite), keys, DEFAULT_BATCH);
    }

    static PsiInitiator create(PsiParty party, Collection<byte[]> keys, int batchSize) {
        byte[] sid = new byte[PsiMessages.SESSION_ID_LENGTH];
        RANDOM.nextBytes(sid);
        return new PsiInitiator(party, sid, keys, batchSize);
    }

    public Suite suite() {
        return party.suite();
    }

    /** Random id binding every message of this session; the responder is created with it. */
    public byte[] sessionId() {
        return sessionId.clone();
    }

    /** Number of distinct keys this party contributes (the responder learns it too). */
    public int setSize() {
        return setSize;
    }

    public void acceptHello(byte[] msg) {
        if (mode != null) {
            throw new IllegalStateException("hello already received");
        }
        PsiMessages.Frame f = PsiMessages.read(msg, PsiMessages.Type.HELLO, suite(), sessionId,
                msg == null ? 0 : Math.max(0, msg.length - PsiMessages.HEADER));
        if (f.count() != 1 || f.sequence() != 0 || !f.last()) {
            throw new PsiProtocolException("HELLO must be a single message");
        }
        ByteBuffer in = ByteBuffer.wrap(msg, f.bodyOffset(), msg.length - f.bodyOffset());
        if (in.remaining() < 4) {
            throw new PsiProtocolException("HELLO too short");
        }
        int modeCode = in.get();
        int scheme = in.get();
        int pkLength = Short.toUnsignedInt(in.getShort());
        if (pkLength != in.remaining()) {
            throw new PsiProtocolException("HELLO public key length mismatch");
        }
        if (modeCode == 0 && scheme == 0 && pkLength == 0) {
            mode = PsiMode.COUNT;
        } else if (modeCode == 1 && scheme == 1) {
            byte[] pk = new byte[pkLength];
            in.get(pk);
            try {
                heKey = AdditiveHe.paillier().decodePublicKey(pk);
            } catch (IllegalArgumentException e) {
                throw new PsiProtocolException("HELLO carries an unusable HE public key: " + e.getMessage());
            }
            mode = PsiMode.SUM;
        } else {
            throw new PsiProtocolException("HELLO names an unknown mode or HE scheme");
        }
    }

    public PsiMode mode() {
        requireHello();
        return mode;
    }

    /** Batches of H(x)^a in shuffled order, blinded lazily one batch at a time. Can be consumed once. */
    public Iterator<byte[]> blindedKeys() {
        if (blindingStarted) {
            throw new IllegalStateException("blinded keys already produced");
        }
        blindingStarted = true;
        return new Iterator<>() {
            private int seq;
            private int pos;
            private boolean finished;

            @Override
            public boolean hasNext() {
                return !finished;
            }

            @Override
            public byte[] next() {
                if (finished) {
                    throw new NoSuchElementException();
                }
                int end = Math.min(keys.size(), pos + batchSize);
                List<byte[]> blinded = party.blindAll(keys.subList(pos, end));
                byte[] items = new byte[blinded.size() * PsiGroup.POINT_LENGTH];
                for (int i = 0; i < blinded.size(); i++) {
                    System.arraycopy(blinded.get(i), 0, items, i * PsiGroup.POINT_LENGTH, PsiGroup.POINT_LENGTH);
                }
                pos = end;
                finished = pos == keys.size();
                byte[] msg = PsiMessages.write(PsiMessages.Type.INITIATOR_BLINDED, suite(), sessionId, seq++, finished,
                        blinded.size(), items);
                if (finished) {
                    keys = null; // raw keys are no longer needed
                }
                return msg;
            }
        };
    }

    public void acceptDoubleBlinded(byte[] batch) {
        requireHello();
        if (keys != null) {
            throw new IllegalStateException("send all blinded keys before accepting double-blinded ones");
        }
        PsiMessages.Frame f = PsiMessages.read(batch, PsiMessages.Type.DOUBLE_BLINDED, suite(), sessionId, PsiGroup.POINT_LENGTH);
        doubleBlindedCursor.accept(f, setSize);
        // These bytes are only compared for equality, never used in group arithmetic, so they are
        // checked for shape but not decompressed: an invalid point just matches nothing.
        for (int i = 0; i < f.count(); i++) {
            int off = f.bodyOffset() + i * PsiGroup.POINT_LENGTH;
            byte prefix = batch[off];
            if (prefix != 0x02 && prefix != 0x03) {
                throw new PsiProtocolException("not a compressed curve point");
            }
            ownDoubleBlinded.add(ByteBuffer.wrap(Arrays.copyOfRange(batch, off, off + PsiGroup.POINT_LENGTH)));
        }
        if (doubleBlindedCursor.done() && doubleBlindedCursor.items() != setSize) {
            throw new PsiProtocolException("responder returned " + doubleBlindedCursor.items() + " double-blinded keys for " + setSize);
        }
    }

    public void acceptResponderEntries(byte[] batch) {
        requireHello();
        if (!doubleBlindedCursor.done()) {
            throw new IllegalStateException("all double-blinded keys must arrive before the responder's entries");
        }
        int ctLength = mode == PsiMode.SUM ? heKey.ciphertextLength() : 0;
        int itemLength = PsiGroup.POINT_LENGTH + ctLength;
        PsiMessages.Frame f = PsiMessages.read(batch, PsiMessages.Type.RESPONDER_ENTRIES, suite(), sessionId, itemLength);
        entriesCursor.accept(f, PsiInputs.MAX_SET_SIZE);
        List<byte[]> reblinded = PsiParty.parallelMap(f.count(),
                i -> party.reblindAt(batch, f.bodyOffset() + i * itemLength));
        for (int i = 0; i < f.count(); i++) {
            // remove(): each of our keys matches at most once, whatever the responder sends
            if (ownDoubleBlinded.remove(ByteBuffer.wrap(reblinded.get(i)))) {
                matched++;
                if (mode == PsiMode.SUM) {
                    int off = f.bodyOffset() + i * itemLength + PsiGroup.POINT_LENGTH;
                    HeCiphertext c;
                    try {
                        c = heKey.decodeCiphertext(Arrays.copyOfRange(batch, off, off + ctLength));
                    } catch (IllegalArgumentException e) {
                        throw new PsiProtocolException("invalid ciphertext in RESPONDER_ENTRIES: " + e.getMessage());
                    }
                    encryptedSum = encryptedSum == null ? c : heKey.add(encryptedSum, c);
                }
            }
        }
    }

    public boolean complete() {
        return entriesCursor.done();
    }

    /** What this party learns: |own keys ∩ responder keys|. */
    public long intersectionSize() {
        requireComplete();
        return matched;
    }

    /** RESULT message for the responder: intersection size and, in SUM mode, Enc(sum) rerandomised. */
    public byte[] result() {
        requireComplete();
        byte[] body;
        if (mode == PsiMode.SUM) {
            HeCiphertext out = encryptedSum == null ? heKey.encrypt(0) : heKey.rerandomise(encryptedSum);
            byte[] ct = out.encoded();
            body = ByteBuffer.allocate(8 + ct.length).putLong(matched).put(ct).array();
        } else {
            body = ByteBuffer.allocate(8).putLong(matched).array();
        }
        return PsiMessages.write(PsiMessages.Type.RESULT, suite(), sessionId, 0, true, 1, body);
    }

    private void requireHello() {
        if (mode == null) {
            throw new IllegalStateException("responder hello not received yet");
        }
    }

    private void requireComplete() {
        if (!complete()) {
            throw new IllegalStateException("PSI session not complete");
        }
    }
}
