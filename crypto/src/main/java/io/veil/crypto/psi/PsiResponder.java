package io.veil.crypto.psi;

import io.veil.crypto.Suite;
import io.veil.crypto.he.HeCiphertext;
import io.veil.crypto.he.HeKeyPair;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The party holding join keys and, in SUM mode, a metric value per key and the HE key pair (in
 * Veil: the public-data zone, whose provider owns the metric). It learns the initiator's set size,
 * the intersection size the initiator reports and, in SUM mode, the sum over the intersection,
 * which it must put through its release rules (threshold, DP) before anything leaves.
 *
 * <p>Order of calls: send {@link #hello()}; feed every INITIATOR_BLINDED batch to
 * {@link #acceptInitiatorBlinded}; send every batch of {@link #doubleBlinded()}, then of
 * {@link #entries()}; finally {@link #acceptResult}. Not thread-safe.
 */
public final class PsiResponder {
    /**
     * At most this many entries per RESPONDER_ENTRIES batch in SUM mode. Each entry costs a Paillier
     * encryption (~5–10 ms of CPU at 2048 bits) and a batch is one zone-to-zone call with a 30 s
     * timeout: in the walkthrough a batch of 4,096 took ~15 s on 2 cores, half the timeout, and over
     * 30 s on a JVM without C2 (PSI_SUM failed). 256 keeps one call to about a second; the total work
     * is the same.
     */
    static final int SUM_ENTRY_BATCH = 256;
    private final PsiParty party;
    private final byte[] sessionId;
    private final int batchSize;
    private final PsiMode mode;
    private final HeKeyPair heKeys;
    private final List<byte[]> keys;
    private final long[] values;
    private final PsiMessages.Cursor initiatorCursor = new PsiMessages.Cursor("INITIATOR_BLINDED");
    private List<byte[]> doubleBlinded = new ArrayList<>();
    private boolean doubleBlindedStarted;
    private boolean entriesStarted;
    private PsiResult result;

    private PsiResponder(PsiParty party, byte[] sessionId, int batchSize, PsiMode mode, HeKeyPair heKeys, List<byte[]> keys, long[] values) {
        if (sessionId == null || sessionId.length != PsiMessages.SESSION_ID_LENGTH) {
            throw new IllegalArgumentException("session id must be " + PsiMessages.SESSION_ID_LENGTH + " bytes");
        }
        this.party = party;
        this.sessionId = sessionId.clone();
        this.batchSize = batchSize;
        this.mode = mode;
        this.heKeys = heKeys;
        this.keys = keys;
        this.values = values;
    }

    /** COUNT mode over {@code keys} (duplicates collapse: set semantics). */
    public static PsiResponder forCount(Suite suite, byte[] sessionId, Collection<byte[]> keys) {
        return forCount(PsiParty.create(suite), sessionId, keys, PsiInitiator.DEFAULT_BATCH);
    }

    /** SUM mode; a key appearing twice is refused (aggregate per key first: the sum would be ambiguous). */
    public static PsiResponder forSum(Suite suite, byte[] sessionId, Collection<PsiEntry> entries, HeKeyPair heKeys) {
        return forSum(PsiParty.create(suite), sessionId, entries, heKeys, PsiInitiator.DEFAULT_BATCH);
    }

    static PsiResponder forCount(PsiParty party, byte[] sessionId, Collection<byte[]> keys, int batchSize) {
        List<byte[]> distinct = PsiInputs.distinct(keys);
        PsiParty.shuffle(distinct);
        return new PsiResponder(party, sessionId, batchSize, PsiMode.COUNT, null, distinct, null);
    }

    static PsiResponder forSum(PsiParty party, byte[] sessionId, Collection<PsiEntry> entries, HeKeyPair heKeys, int batchSize) {
        Objects.requireNonNull(heKeys, "heKeys");
        if (entries == null) {
            throw new IllegalArgumentException("entries are null");
        }
        PsiInputs.checkSize(entries.size());
        List<PsiEntry> shuffled = new ArrayList<>(entries.size());
        Set<ByteBuffer> seen = new HashSet<>(entries.size() * 2);
        int position = 0;
        for (PsiEntry e : entries) {
            if (e == null) {
                throw new IllegalArgumentException("entry at position " + position + " is null");
            }
            if (!seen.add(ByteBuffer.wrap(e.key()))) {
                throw new IllegalArgumentException("duplicate join key at position " + position + "; aggregate per key before PSI-SUM");
            }
            shuffled.add(e);
            position++;
        }
        PsiParty.shuffle(shuffled);
        List<byte[]> keys = new ArrayList<>(shuffled.size());
        long[] values = new long[shuffled.size()];
        for (int i = 0; i < shuffled.size(); i++) {
            keys.add(shuffled.get(i).key());
            values[i] = shuffled.get(i).value();
        }
        return new PsiResponder(party, sessionId, batchSize, PsiMode.SUM, heKeys, keys, values);
    }

    public Suite suite() {
        return party.suite();
    }

    public PsiMode mode() {
        return mode;
    }

    /** HELLO: mode and, in SUM mode, the HE public key the values are encrypted under. */
    public byte[] hello() {
        byte[] body;
        if (mode == PsiMode.SUM) {
            byte[] pk = heKeys.publicKey().encoded();
            body = ByteBuffer.allocate(4 + pk.length).put((byte) 1).put((byte) 1).putShort((short) pk.length).put(pk).array();
        } else {
            body = new byte[4];
        }
        return PsiMessages.write(PsiMessages.Type.HELLO, suite(), sessionId, 0, true, 1, body);
    }

    public void acceptInitiatorBlinded(byte[] batch) {
        PsiMessages.Frame f = PsiMessages.read(batch, PsiMessages.Type.INITIATOR_BLINDED, suite(), sessionId, PsiGroup.POINT_LENGTH);
        initiatorCursor.accept(f, PsiInputs.MAX_SET_SIZE);
        doubleBlinded.addAll(PsiParty.parallelMap(f.count(), i -> party.reblindAt(batch, f.bodyOffset() + i * PsiGroup.POINT_LENGTH)));
        if (f.last()) {
            PsiParty.shuffle(doubleBlinded); // so the initiator cannot tell which of its keys matched
        }
    }

    /** The initiator's points raised to b, reshuffled; available once the last INITIATOR_BLINDED batch arrived. */
    public Iterator<byte[]> doubleBlinded() {
        if (!initiatorCursor.done()) {
            throw new IllegalStateException("initiator's blinded keys not complete");
        }
        if (doubleBlindedStarted) {
            throw new IllegalStateException("double-blinded keys already produced");
        }
        doubleBlindedStarted = true;
        List<byte[]> out = doubleBlinded;
        doubleBlinded = null;
        return batches(PsiMessages.Type.DOUBLE_BLINDED, out.size(), PsiGroup.POINT_LENGTH, i -> out.get(i));
    }

    /** Own entries, shuffled at construction: H(w)^b and, in SUM mode, Enc(value) under the own HE key. */
    public Iterator<byte[]> entries() {
        if (entriesStarted) {
            throw new IllegalStateException("entries already produced");
        }
        entriesStarted = true;
        int ctLength = mode == PsiMode.SUM ? heKeys.publicKey().ciphertextLength() : 0;
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
                int start = pos;
                int end = Math.min(keys.size(), pos + (ctLength > 0 ? Math.min(batchSize, SUM_ENTRY_BATCH) : batchSize));
                int itemLength = PsiGroup.POINT_LENGTH + ctLength;
                List<byte[]> items = PsiParty.parallelMap(end - start, i -> {
                    byte[] item = new byte[itemLength];
                    System.arraycopy(party.blind(keys.get(start + i)), 0, item, 0, PsiGroup.POINT_LENGTH);
                    if (ctLength > 0) {
                        HeCiphertext c = heKeys.secretKey().encrypt(values[start + i]);
                        System.arraycopy(c.encoded(), 0, item, PsiGroup.POINT_LENGTH, ctLength);
                    }
                    return item;
                });
                byte[] payload = new byte[items.size() * itemLength];
                for (int i = 0; i < items.size(); i++) {
                    System.arraycopy(items.get(i), 0, payload, i * itemLength, itemLength);
                }
                pos = end;
                finished = pos == keys.size();
                return PsiMessages.write(PsiMessages.Type.RESPONDER_ENTRIES, suite(), sessionId, seq++, finished, items.size(), payload);
            }
        };
    }

    /** Reads the initiator's RESULT and, in SUM mode, decrypts the sum. */
    public PsiResult acceptResult(byte[] msg) {
        if (result != null) {
            throw new IllegalStateException("result already received");
        }
        if (!initiatorCursor.done()) {
            throw new IllegalStateException("initiator's blinded keys not complete");
        }
        int ctLength = mode == PsiMode.SUM ? heKeys.publicKey().ciphertextLength() : 0;
        PsiMessages.Frame f = PsiMessages.read(msg, PsiMessages.Type.RESULT, suite(), sessionId, 8 + ctLength);
        if (f.count() != 1 || f.sequence() != 0 || !f.last()) {
            throw new PsiProtocolException("RESULT must be a single message");
        }
        long size = ByteBuffer.wrap(msg, f.bodyOffset(), 8).getLong();
        if (size < 0 || size > Math.min(initiatorCursor.items(), keys.size())) {
            throw new PsiProtocolException("reported intersection size is impossible for the set sizes");
        }
        Optional<BigInteger> sum = Optional.empty();
        if (mode == PsiMode.SUM) {
            byte[] ct = Arrays.copyOfRange(msg, f.bodyOffset() + 8, f.bodyOffset() + 8 + ctLength);
            HeCiphertext c;
            try {
                c = heKeys.publicKey().decodeCiphertext(ct);
            } catch (IllegalArgumentException e) {
                throw new PsiProtocolException("invalid ciphertext in RESULT: " + e.getMessage());
            }
            sum = Optional.of(heKeys.secretKey().decrypt(c));
        }
        result = new PsiResult(mode, size, sum);
        return result;
    }

    /** Number of distinct keys the initiator contributed (known once its blinded keys are complete). */
    public long initiatorSetSize() {
        if (!initiatorCursor.done()) {
            throw new IllegalStateException("initiator's blinded keys not complete");
        }
        return initiatorCursor.items();
    }

    private Iterator<byte[]> batches(PsiMessages.Type type, int total, int itemLength, IntFunction<byte[]> item) {
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
                int end = Math.min(total, pos + batchSize);
                byte[] payload = new byte[(end - pos) * itemLength];
                for (int i = pos; i < end; i++) {
                    System.arraycopy(item.apply(i), 0, payload, (i - pos) * itemLength, itemLength);
                }
                int count = end - pos;
                pos = end;
                finished = pos == total;
                return PsiMessages.write(type, suite(), sessionId, seq++, finished, count, payload);
            }
        };
    }
}
