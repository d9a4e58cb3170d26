package io.veil.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.crypto.Suite;
import io.veil.crypto.VerifyingKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Ledger} backend must show. A backend's test extends this class and
 * supplies a fresh, empty ledger per test; shipped in the {@code tests} jar of veil-ledger-client.
 */
public abstract class LedgerContractTest {
    protected static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    protected Ledger ledger;

    /** A new, empty ledger; closed after each test. */
    protected abstract Ledger newLedger();

    /** The key the zone signs entries and checkpoints with. */
    protected abstract VerifyingKey zoneKey();

    protected Suite suite() {
        return zoneKey().suite();
    }

    /** False for a backend without Merkle proofs: proof requests must then answer UNSUPPORTED. */
    protected boolean supportsProofs() {
        return true;
    }

    @BeforeEach
    void openLedger() {
        ledger = newLedger();
    }

    @AfterEach
    void closeLedger() {
        ledger.close();
    }

    protected static LedgerEvent event(String id, EventType type, int minute, Map<String, String> subjects) {
        return new LedgerEvent(id, type, "zone-a", T0.plus(Duration.ofMinutes(minute)), subjects,
                Map.of("queryDigest", "ab12", "epsilon", 0.5, "rows", 42L, "inputs", List.of("d1@v1", "d2@v3")));
    }

    protected static LedgerEvent event(String id) {
        return event(id, EventType.JOB_SUBMITTED, 0, Map.of("job", "job-" + id));
    }

    /** Ten events: datasets, contracts with role-qualified orgs, and jobs, one minute apart. */
    protected List<LedgerEntry> appendScenario() {
        List<LedgerEntry> out = new ArrayList<>();
        out.add(ledger.append(event("e0", EventType.DATASET_REGISTERED, 0, Map.of("dataset", "ds-1", "providerOrg", "org-p"))));
        out.add(ledger.append(event("e1", EventType.DATASET_VERSION_ADDED, 1, Map.of("dataset", "ds-1"))));
        out.add(ledger.append(event("e2", EventType.OFFER_PUBLISHED, 2, Map.of("offer", "of-1", "dataset", "ds-1", "providerOrg", "org-p"))));
        out.add(ledger.append(event("e3", EventType.CONTRACT_REQUESTED, 3, Map.of("contract", "c-1", "consumerOrg", "org-c", "providerOrg", "org-p"))));
        out.add(ledger.append(event("e4", EventType.CONTRACT_AGREED, 4, Map.of("contract", "c-1", "consumerOrg", "org-c", "providerOrg", "org-p"))));
        out.add(ledger.append(event("e5", EventType.JOB_SUBMITTED, 5, Map.of("job", "j-1", "contract", "c-1", "consumerOrg", "org-c"))));
        out.add(ledger.append(event("e6", EventType.JOB_EXECUTED, 6, Map.of("job", "j-1", "dataset", "ds-1"))));
        out.add(ledger.append(event("e7", EventType.RESULT_RELEASED, 7, Map.of("job", "j-1", "consumerOrg", "org-c"))));
        out.add(ledger.append(event("e8", EventType.BUDGET_CHARGED, 8, Map.of("contract", "c-1", "dataset", "ds-1"))));
        out.add(ledger.append(event("e9", EventType.CONTRACT_REVOKED, 9, Map.of("contract", "c-1", "org", "org-p"))));
        return out;
    }

    private static List<String> ids(LedgerPage page) {
        return page.entries().stream().map(e -> e.event().eventId()).toList();
    }

    @Test
    void emptyLedgerHasSizeZeroAndNothingToRead() {
        assertThat(ledger.size()).isZero();
        assertThat(ledger.read(0)).isEmpty();
        assertThat(ledger.query(LedgerQuery.all()).entries()).isEmpty();
        assertThat(ledger.checkpoint().treeSize()).isZero();
    }

    @Test
    void appendsGetGaplessSequenceNumbersFromZero() {
        List<LedgerEntry> entries = appendScenario();
        assertThat(entries).extracting(LedgerEntry::seq).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(ledger.size()).isEqualTo(10);
    }

    @Test
    void readReturnsTheStoredEventAndItsSignedBytes() {
        List<LedgerEntry> entries = appendScenario();
        for (LedgerEntry e : entries) {
            LedgerEntry read = ledger.read(e.seq()).orElseThrow();
            assertThat(read).isEqualTo(e);
            assertThat(read.event()).isEqualTo(event(read.event().eventId(), read.event().type(), (int) e.seq(), read.event().subjects()));
            SignedEntries.Decoded d = SignedEntries.decode(read.entryBytes());
            assertThat(d.event()).isEqualTo(read.event());
            assertThat(d.verify(zoneKey())).isTrue();
            assertThat(read.keyId()).isEqualTo(zoneKey().keyId());
            assertThat(read.leafHash()).isEqualTo(MerkleProofs.leafHash(suite(), read.entryBytes()));
        }
        assertThat(ledger.read(10)).isEmpty();
        assertThat(ledger.read(-1)).isEmpty();
    }

    @Test
    void queriesBySubject() {
        appendScenario();
        assertThat(ids(ledger.query(LedgerQuery.subject("dataset", "ds-1")))).containsExactly("e0", "e1", "e2", "e6", "e8");
        assertThat(ids(ledger.query(LedgerQuery.subject("contract", "c-1")))).containsExactly("e3", "e4", "e5", "e8", "e9");
        assertThat(ids(ledger.query(LedgerQuery.subject("job", "j-1")))).containsExactly("e5", "e6", "e7");
        assertThat(ids(ledger.query(LedgerQuery.subject("offer", "of-1")))).containsExactly("e2");
        assertThat(ids(ledger.query(LedgerQuery.subject("job", "j-unknown")))).isEmpty();
    }

    @Test
    void baseKindQueryFindsRoleQualifiedSubjectsButNotTheOtherWayRound() {
        appendScenario();
        assertThat(ids(ledger.query(LedgerQuery.subject("org", "org-p")))).containsExactly("e0", "e2", "e3", "e4", "e9");
        assertThat(ids(ledger.query(LedgerQuery.subject("providerOrg", "org-p")))).containsExactly("e0", "e2", "e3", "e4");
        assertThat(ids(ledger.query(LedgerQuery.subject("consumerOrg", "org-c")))).containsExactly("e3", "e4", "e5", "e7");
        assertThat(ids(ledger.query(LedgerQuery.subject("providerOrg", "org-c")))).isEmpty();
    }

    @Test
    void queriesByTypeAndTimeWindow() {
        appendScenario();
        assertThat(ids(ledger.query(LedgerQuery.all().withTypes(Set.of(EventType.CONTRACT_AGREED, EventType.CONTRACT_REVOKED)))))
                .containsExactly("e4", "e9");
        assertThat(ids(ledger.query(LedgerQuery.all().between(T0.plus(Duration.ofMinutes(3)), T0.plus(Duration.ofMinutes(6))))))
                .containsExactly("e3", "e4", "e5");
        assertThat(ids(ledger.query(LedgerQuery.subject("contract", "c-1").withTypes(Set.of(EventType.JOB_SUBMITTED))
                .between(T0, T0.plus(Duration.ofHours(1)))))).containsExactly("e5");
        assertThat(ids(ledger.query(LedgerQuery.all().between(T0.plus(Duration.ofDays(1)), T0.plus(Duration.ofDays(2)))))).isEmpty();
    }

    @Test
    void paginatesInSequenceOrder() {
        appendScenario();
        List<String> seen = new ArrayList<>();
        LedgerQuery q = LedgerQuery.all().limit(3);
        int pages = 0;
        while (true) {
            LedgerPage page = ledger.query(q);
            pages++;
            seen.addAll(ids(page));
            if (!page.hasMore()) {
                break;
            }
            assertThat(page.entries()).hasSize(3);
            q = q.after(page.nextAfterSeq());
        }
        assertThat(pages).isEqualTo(4);
        assertThat(seen).containsExactly("e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9");
        LedgerPage subjectPage = ledger.query(LedgerQuery.subject("dataset", "ds-1").limit(2).after(1));
        assertThat(ids(subjectPage)).containsExactly("e2", "e6");
        assertThat(subjectPage.hasMore()).isTrue();
        assertThat(subjectPage.nextAfterSeq()).isEqualTo(6);
    }

    @Test
    void appendingTheSameEventAgainReturnsTheStoredEntry() {
        LedgerEntry first = ledger.append(event("dup"));
        ledger.append(event("other"));
        LedgerEntry again = ledger.append(event("dup"));
        assertThat(again).isEqualTo(first);
        assertThat(ledger.size()).isEqualTo(2);
    }

    @Test
    void reusingAnEventIdForDifferentContentIsRejected() {
        ledger.append(event("dup"));
        LedgerEvent different = event("dup", EventType.JOB_FAILED, 0, Map.of("job", "job-dup"));
        assertThatThrownBy(() -> ledger.append(different)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dup");
        assertThat(ledger.size()).isEqualTo(1);
    }

    @Test
    void appendAllIsAllOrNothingAndDeduplicates() {
        ledger.append(event("a"));
        LedgerEvent conflicting = event("a", EventType.JOB_FAILED, 0, Map.of("job", "x"));
        assertThatThrownBy(() -> ledger.appendAll(List.of(event("b"), conflicting))).isInstanceOf(IllegalArgumentException.class);
        assertThat(ledger.size()).isEqualTo(1);
        assertThat(ledger.query(LedgerQuery.subject("job", "job-b")).entries()).isEmpty();

        List<LedgerEntry> batch = ledger.appendAll(List.of(event("b"), event("a"), event("c"), event("b")));
        assertThat(batch).extracting(LedgerEntry::seq).containsExactly(1L, 0L, 2L, 1L);
        assertThat(ledger.size()).isEqualTo(3);
        assertThat(ledger.appendAll(List.of())).isEmpty();
    }

    @Test
    void concurrentAppendersGetDistinctGaplessSequenceNumbers() throws Exception {
        int threads = 8;
        int perThread = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<LedgerEntry> acked = new ConcurrentLinkedQueue<>();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        acked.add(ledger.append(event("t" + thread + "-" + i)));
                        // every thread also retries one earlier append, as an outbox relay would
                        if (i % 10 == 9) {
                            acked.add(ledger.append(event("t" + thread + "-" + (i - 5))));
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long n = (long) threads * perThread;
        assertThat(ledger.size()).isEqualTo(n);
        Set<Long> seqs = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (long seq = 0; seq < n; seq++) {
            LedgerEntry e = ledger.read(seq).orElseThrow();
            seqs.add(e.seq());
            assertThat(ids.add(e.event().eventId())).as("event id %s stored once", e.event().eventId()).isTrue();
        }
        assertThat(seqs).hasSize((int) n);
        for (LedgerEntry a : acked) {
            assertThat(ledger.read(a.seq())).contains(a);
        }
        assertThat(ledger.checkpoint().treeSize()).isEqualTo(n);
    }

    @Test
    void checkpointIsSignedByTheZoneAndCoversEveryEntry() {
        appendScenario();
        SignedCheckpoint cp = ledger.checkpoint();
        assertThat(cp.treeSize()).isEqualTo(10);
        assertThat(cp.verifiedBy(zoneKey())).isTrue();
        SignedCheckpoint reparsed = SignedCheckpoint.parse(cp.note());
        assertThat(reparsed).isEqualTo(cp);
        assertThat(reparsed.verifiedBy(zoneKey())).isTrue();
        SignedCheckpoint edited = new SignedCheckpoint(cp.origin(), cp.treeSize() - 1, cp.rootHash(), cp.signatures());
        assertThat(edited.verifiedBy(zoneKey())).isFalse();
    }

    @Test
    void inclusionProofsVerifyAgainstTheCheckpoint() {
        List<LedgerEntry> entries = appendScenario();
        SignedCheckpoint cp = ledger.checkpoint();
        for (LedgerEntry e : entries) {
            LedgerResult<InclusionProof> r = ledger.inclusionProof(e.seq(), cp.treeSize());
            if (!supportsProofs()) {
                assertThat(r.isSuccess()).isFalse();
                assertThat(((LedgerResult.Failure<InclusionProof>) r).reason()).isEqualTo(LedgerResult.Reason.UNSUPPORTED);
                continue;
            }
            InclusionProof p = r.orElseThrow();
            assertThat(MerkleProofs.verifyInclusion(suite(), p, e.leafHash(), cp.rootHash())).isTrue();
            assertThat(MerkleProofs.verifyInclusion(suite(), p, ledger.read((e.seq() + 1) % 10).orElseThrow().leafHash(), cp.rootHash()))
                    .isFalse();
        }
    }

    @Test
    void consistencyProofsLinkEarlierCheckpoints() {
        List<SignedCheckpoint> checkpoints = new ArrayList<>();
        checkpoints.add(ledger.checkpoint());
        for (int i = 0; i < 6; i++) {
            ledger.append(event("c" + i));
            checkpoints.add(ledger.checkpoint());
        }
        SignedCheckpoint last = checkpoints.get(checkpoints.size() - 1);
        for (SignedCheckpoint old : checkpoints) {
            LedgerResult<ConsistencyProof> r = ledger.consistencyProof(old.treeSize(), last.treeSize());
            if (!supportsProofs()) {
                assertThat(r.isSuccess()).isFalse();
                assertThat(((LedgerResult.Failure<ConsistencyProof>) r).reason()).isEqualTo(LedgerResult.Reason.UNSUPPORTED);
                continue;
            }
            assertThat(old.verifiedBy(zoneKey())).isTrue();
            assertThat(MerkleProofs.verifyConsistency(suite(), r.orElseThrow(), old.rootHash(), last.rootHash()))
                    .as("consistency %d → %d", old.treeSize(), last.treeSize()).isTrue();
        }
    }

    @Test
    void proofRequestsOutsideTheLogAreOutOfRange() {
        appendScenario();
        List<LedgerResult<?>> results = List.of(ledger.inclusionProof(10, 10), ledger.inclusionProof(0, 11), ledger.inclusionProof(-1, 5),
                ledger.consistencyProof(5, 11), ledger.consistencyProof(6, 5));
        LedgerResult.Reason expected = supportsProofs() ? LedgerResult.Reason.OUT_OF_RANGE : LedgerResult.Reason.UNSUPPORTED;
        for (LedgerResult<?> r : results) {
            assertThat(r).isInstanceOf(LedgerResult.Failure.class);
            assertThat(((LedgerResult.Failure<?>) r).reason()).isEqualTo(expected);
        }
    }
}
