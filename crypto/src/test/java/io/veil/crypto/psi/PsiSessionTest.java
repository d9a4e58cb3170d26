package io.veil.crypto.psi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.crypto.Suite;
import io.veil.crypto.he.AdditiveHe;
import io.veil.crypto.he.HeKeyPair;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PsiSessionTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static HeKeyPair heKeys;

    @BeforeAll
    static void generateOnce() {
        heKeys = AdditiveHe.paillier().generateKeyPair(2048);
    }

    /** Two random key sets of the given sizes sharing exactly {@code overlap} keys. */
    private static List<List<byte[]>> sets(int a, int b, int overlap) {
        Set<String> used = new HashSet<>();
        List<byte[]> shared = fresh(overlap, used);
        List<byte[]> left = new ArrayList<>(shared);
        left.addAll(fresh(a - overlap, used));
        List<byte[]> right = new ArrayList<>(shared);
        right.addAll(fresh(b - overlap, used));
        Collections.shuffle(left, RANDOM);
        Collections.shuffle(right, RANDOM);
        return List.of(left, right);
    }

    private static List<byte[]> fresh(int n, Set<String> used) {
        List<byte[]> out = new ArrayList<>();
        while (out.size() < n) {
            String k = "person-" + Long.toUnsignedString(RANDOM.nextLong(), 36);
            if (used.add(k)) {
                out.add(k.getBytes(StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static PsiSession.Outcome runCount(Suite suite, List<byte[]> a, List<byte[]> b, int batch) {
        PsiInitiator i = PsiInitiator.create(PsiParty.create(suite), a, batch);
        return PsiSession.recorded(i, PsiResponder.forCount(PsiParty.create(suite), i.sessionId(), b, batch));
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void intersectionSizeIsExactForNoneSomeAndAllOverlap(Suite suite) {
        for (int overlap : new int[] {0, 1 + RANDOM.nextInt(120), 150}) {
            var s = sets(150, 150 + (overlap == 150 ? 0 : 40), overlap);
            PsiSession.Outcome o = runCount(suite, s.get(0), s.get(1), 64);
            assertThat(o.initiatorIntersectionSize()).isEqualTo(overlap);
            assertThat(o.responderResult().intersectionSize()).isEqualTo(overlap);
            assertThat(o.responderResult().mode()).isEqualTo(PsiMode.COUNT);
            assertThat(o.responderResult().sum()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void emptySetsGiveAnEmptyIntersection(Suite suite) {
        var s = sets(0, 20, 0);
        assertThat(PsiSession.count(suite, s.get(0), s.get(1)).initiatorIntersectionSize()).isZero();
        assertThat(PsiSession.count(suite, s.get(1), s.get(0)).initiatorIntersectionSize()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void duplicateKeysCollapseToSetSemantics(Suite suite) {
        var s = sets(60, 80, 25);
        List<byte[]> a = new ArrayList<>(s.get(0));
        List<byte[]> b = new ArrayList<>(s.get(1));
        a.addAll(a.subList(0, 30)); // every shared or not, some twice
        b.addAll(b.subList(0, 40));
        PsiSession.Outcome o = runCount(suite, a, b, 32);
        assertThat(o.initiatorIntersectionSize()).isEqualTo(25);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void intersectionSumMatchesPlaintextReference(Suite suite) {
        var s = sets(120, 140, 70);
        Set<ByteBuffer> initiator = new HashSet<>();
        s.get(0).forEach(k -> initiator.add(ByteBuffer.wrap(k)));
        List<PsiEntry> entries = new ArrayList<>();
        BigInteger expected = BigInteger.ZERO;
        for (byte[] k : s.get(1)) {
            long v = RANDOM.nextLong() >> 4; // negative values too
            entries.add(new PsiEntry(k, v));
            if (initiator.contains(ByteBuffer.wrap(k))) {
                expected = expected.add(BigInteger.valueOf(v));
            }
        }
        PsiInitiator i = PsiInitiator.create(PsiParty.create(suite), s.get(0), 50);
        PsiSession.Outcome o = PsiSession.recorded(i, PsiResponder.forSum(PsiParty.create(suite), i.sessionId(), entries, heKeys, 50));
        assertThat(o.initiatorIntersectionSize()).isEqualTo(70);
        assertThat(o.responderResult().mode()).isEqualTo(PsiMode.SUM);
        assertThat(o.responderResult().intersectionSize()).isEqualTo(70);
        assertThat(o.responderResult().sum()).contains(expected);
    }

    @Test
    void sumEntriesComeInBatchesSmallEnoughForOneZoneCallEach() {
        var s = sets(40, PsiResponder.SUM_ENTRY_BATCH + 60, 30);
        List<PsiEntry> entries = new ArrayList<>();
        long expected = 0;
        Set<ByteBuffer> initiator = new HashSet<>();
        s.get(0).forEach(k -> initiator.add(ByteBuffer.wrap(k)));
        for (byte[] k : s.get(1)) {
            entries.add(new PsiEntry(k, 7));
            if (initiator.contains(ByteBuffer.wrap(k))) expected += 7;
        }
        // The default batch (4096) would put all entries in one message; SUM mode caps it.
        PsiSession.Outcome o = PsiSession.sum(Suite.INTL, s.get(0), entries, heKeys);
        // Header: magic (4), version, type, suite, session id (16), sequence (4), last, count (4).
        List<Integer> entryBatches = o.transcript().stream().filter(m -> m[5] == 4) // RESPONDER_ENTRIES
                .map(m -> ByteBuffer.wrap(m, PsiMessages.HEADER - 4, 4).getInt()).toList();
        assertThat(entryBatches).containsExactly(PsiResponder.SUM_ENTRY_BATCH, 60);
        assertThat(o.responderResult().sum()).contains(BigInteger.valueOf(expected));
    }

    @Test
    void intersectionSumOverAnEmptyIntersectionIsZero() {
        var s = sets(30, 30, 0);
        List<PsiEntry> entries = s.get(1).stream().map(k -> new PsiEntry(k, 1 + RANDOM.nextInt(1000))).toList();
        PsiSession.Outcome o = PsiSession.sum(Suite.INTL, s.get(0), entries, heKeys);
        assertThat(o.responderResult().sum()).contains(BigInteger.ZERO);
        assertThat(o.responderResult().intersectionSize()).isZero();
    }

    @Test
    void duplicateKeysWithValuesAreRefused() {
        byte[] k = "person-dup".getBytes(StandardCharsets.UTF_8);
        byte[] sid = new byte[16];
        List<PsiEntry> entries = List.of(new PsiEntry(k, 1), new PsiEntry("person-x".getBytes(StandardCharsets.UTF_8), 2), new PsiEntry(k, 3));
        assertThatThrownBy(() -> PsiResponder.forSum(Suite.INTL, sid, entries, heKeys))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate join key at position 2")
                .hasMessageNotContaining("person-dup");
    }

    @Test
    void nullEmptyAndOversizedKeysAreRefused() {
        assertThatThrownBy(() -> PsiInitiator.create(Suite.INTL, java.util.Arrays.asList(new byte[] {1}, null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PsiInitiator.create(Suite.INTL, List.of(new byte[0]))).hasMessageContaining("empty");
        assertThatThrownBy(() -> PsiInitiator.create(Suite.INTL, List.of(new byte[1025]))).hasMessageContaining("longer");
        assertThatThrownBy(() -> new PsiEntry(null, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void messagesNeverContainRawKeysOrValues(Suite suite) {
        var s = sets(80, 90, 40);
        List<PsiEntry> entries = new ArrayList<>();
        List<byte[]> needles = new ArrayList<>(s.get(0));
        needles.addAll(s.get(1));
        for (byte[] k : s.get(1)) {
            long v = 1_000_000_007L + RANDOM.nextInt(1 << 30);
            entries.add(new PsiEntry(k, v));
            needles.add(ByteBuffer.allocate(8).putLong(v).array());
            needles.add(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
        }
        PsiSession.Outcome o = PsiSession.sum(suite, s.get(0), entries, heKeys);
        assertThat(o.transcript()).hasSizeGreaterThanOrEqualTo(5);
        for (byte[] msg : o.transcript()) {
            for (byte[] needle : needles) {
                assertThat(indexOf(msg, needle)).as("raw key or value in a PSI message").isEqualTo(-1);
            }
        }
        // sanity: the search does find a needle that is there
        assertThat(indexOf(o.transcript().get(0), java.util.Arrays.copyOfRange(o.transcript().get(0), 10, 20))).isGreaterThanOrEqualTo(0);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void initiatorSendsBlindedKeysInShuffledOrder(Suite suite) {
        List<byte[]> keys = sets(200, 0, 0).get(0);
        PsiParty a = PsiParty.create(suite);
        List<ByteBuffer> inInputOrder = a.blindAll(keys).stream().map(ByteBuffer::wrap).toList();
        PsiInitiator i = PsiInitiator.create(a, keys, 4096);
        List<ByteBuffer> sent = points(i.blindedKeys());
        assertThat(sent).containsExactlyInAnyOrderElementsOf(inInputOrder);
        assertThat(sent).isNotEqualTo(inInputOrder);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void responderReturnsDoubleBlindedKeysReshuffled(Suite suite) {
        var s = sets(200, 10, 5);
        PsiParty b = PsiParty.create(suite);
        PsiInitiator i = PsiInitiator.create(PsiParty.create(suite), s.get(0), 4096);
        PsiResponder r = PsiResponder.forCount(b, i.sessionId(), s.get(1), 4096);
        List<byte[]> received = new ArrayList<>();
        for (Iterator<byte[]> it = i.blindedKeys(); it.hasNext(); ) {
            byte[] m = it.next();
            received.addAll(split(m));
            r.acceptInitiatorBlinded(m);
        }
        List<ByteBuffer> inReceivedOrder = b.reblindAll(received).stream().map(ByteBuffer::wrap).toList();
        List<ByteBuffer> returned = points(r.doubleBlinded());
        assertThat(returned).containsExactlyInAnyOrderElementsOf(inReceivedOrder);
        assertThat(returned).isNotEqualTo(inReceivedOrder);
    }

    @Test
    void blindingCommutesAndHashesToValidPoints() {
        for (Suite suite : Suite.values()) {
            PsiParty a = PsiParty.create(suite);
            PsiParty b = PsiParty.create(suite);
            byte[] key = fresh(1, new HashSet<>()).get(0);
            assertThat(b.reblind(a.blind(key))).isEqualTo(a.reblind(b.blind(key)));
            assertThat(a.blind(key)).isEqualTo(a.blind(key)).hasSize(PsiParty.pointLength());
            assertThat(a.blind(key)).isNotEqualTo(b.blind(key));
        }
        byte[] key = "same".getBytes(StandardCharsets.UTF_8);
        assertThat(PsiGroup.of(Suite.INTL).encode(PsiGroup.of(Suite.INTL).hashToCurve(key)))
                .isNotEqualTo(PsiGroup.of(Suite.GM).encode(PsiGroup.of(Suite.GM).hashToCurve(key)));
    }

    private static List<ByteBuffer> points(Iterator<byte[]> batches) {
        List<ByteBuffer> out = new ArrayList<>();
        batches.forEachRemaining(m -> split(m).forEach(p -> out.add(ByteBuffer.wrap(p))));
        return out;
    }

    private static List<byte[]> split(byte[] msg) {
        int n = ByteBuffer.wrap(msg, PsiMessages.HEADER - 4, 4).getInt();
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int off = PsiMessages.HEADER + i * PsiParty.pointLength();
            out.add(java.util.Arrays.copyOfRange(msg, off, off + PsiParty.pointLength()));
        }
        return out;
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
