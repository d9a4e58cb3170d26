package io.veil.policy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Behaviour every {@link BudgetStore} must have. Subclass it and implement {@link #newStore()}; the
 * gateway does so for its JDBC store via this module's test-jar. Keys are unique per test, so a store
 * backed by a shared database needs no cleanup between tests.
 */
public abstract class BudgetStoreContractTest {

    protected abstract BudgetStore newStore();

    /** Lower it for slow stores; 64 threads always run. */
    protected int operationsPerThread() {
        return 200;
    }

    protected static BudgetKey contractKey() {
        return BudgetKey.contract("c-" + UUID.randomUUID());
    }

    private static BudgetKey opened(BudgetStore s, long total) {
        BudgetKey k = contractKey();
        s.open(k, total);
        return k;
    }

    private static BudgetBalance bal(BudgetStore s, BudgetKey k, long total, long reserved, long committed) {
        return new BudgetBalance(k, total, reserved, committed);
    }

    @Test
    public void reserveHoldsTheAmountOnEveryKey() {
        BudgetStore s = newStore();
        BudgetKey a = opened(s, 1000);
        BudgetKey b = BudgetKey.datasetOrg("ds-" + UUID.randomUUID(), "org/1");
        s.open(b, 500);
        Reservation r = s.reserve(List.of(a, b), 300, "job-1").value();
        assertThat(r.amount()).isEqualTo(300);
        assertThat(r.jobId()).isEqualTo("job-1");
        assertThat(s.balance(a)).isEqualTo(bal(s, a, 1000, 300, 0));
        assertThat(s.balance(b)).isEqualTo(bal(s, b, 500, 300, 0));
        assertThat(s.balance(b).available()).isEqualTo(200);
    }

    @Test
    public void reservationIsAllOrNothing() {
        BudgetStore s = newStore();
        BudgetKey big = opened(s, 1000);
        BudgetKey small = opened(s, 100);
        Result<Reservation> r = s.reserve(List.of(big, small), 101, "job-1");
        assertThat(r.violations()).extracting(Violation::code, Violation::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("BUDGET_EXHAUSTED", "contract:" + small.id()));
        assertThat(s.balance(big)).isEqualTo(bal(s, big, 1000, 0, 0));
        assertThat(s.balance(small)).isEqualTo(bal(s, small, 100, 0, 0));
    }

    @Test
    public void reservingExactlyTheRemainderSucceeds() {
        BudgetStore s = newStore();
        BudgetKey k = opened(s, 100);
        s.commit(s.reserve(List.of(k), 60, "job-1").value());
        assertThat(s.reserve(List.of(k), 40, "job-2").isOk()).isTrue();
        assertThat(s.reserve(List.of(k), 1, "job-3").violations()).extracting(Violation::code).containsExactly("BUDGET_EXHAUSTED");
    }

    @Test
    public void unopenedBudgetIsRefused() {
        BudgetStore s = newStore();
        BudgetKey open = opened(s, 100);
        BudgetKey unopened = contractKey();
        assertThat(s.reserve(List.of(open, unopened), 1, "job-1").violations()).extracting(Violation::code)
                .containsExactly("BUDGET_NOT_OPEN");
        assertThat(s.balance(open).reserved()).isZero();
    }

    @Test
    public void nonPositiveAmountOrNoKeysAreRefused() {
        BudgetStore s = newStore();
        BudgetKey k = opened(s, 100);
        assertThat(s.reserve(List.of(k), 0, "job-1").violations()).extracting(Violation::code).containsExactly("BUDGET_INVALID_AMOUNT");
        assertThat(s.reserve(List.of(k), -5, "job-1").violations()).extracting(Violation::code).containsExactly("BUDGET_INVALID_AMOUNT");
        assertThat(s.reserve(List.of(), 5, "job-1").violations()).extracting(Violation::code).containsExactly("BUDGET_NO_KEYS");
    }

    @Test
    public void duplicateKeysAreChargedOnce() {
        BudgetStore s = newStore();
        BudgetKey k = opened(s, 100);
        s.reserve(List.of(k, k), 30, "job-1").value();
        assertThat(s.balance(k).reserved()).isEqualTo(30);
    }

    @Test
    public void commitSpendsTheReservationAndIsIdempotent() {
        BudgetStore s = newStore();
        BudgetKey k = opened(s, 100);
        Reservation r = s.reserve(List.of(k), 30, "job-1").value();
        s.commit(r);
        s.commit(r);
        assertThat(s.balance(k)).isEqualTo(bal(s, k, 100, 0, 30));
    }

    @Test
    public void refundReturnsTheReservationAndIsIdempotent() {
        BudgetStore s = newStore();
        BudgetKey k = opened(s, 100);
        Reservation r = s.reserve(List.of(k), 30, "job-1").value();
        s.refund(r);
        s.refund(r);
        assertThat(s.balance(k)).isEqualTo(bal(s, k, 100, 0, 0));
    }

    @Test
    public void refundAfterCommitIsRefused() {
        BudgetStore s = newStore();
        BudgetKey k = opened(s, 100);
        Reservation r = s.reserve(List.of(k), 30, "job-1").value();
        s.commit(r);
        assertThatThrownBy(() -> s.refund(r)).isInstanceOf(IllegalStateException.class);
        assertThat(s.balance(k)).isEqualTo(bal(s, k, 100, 0, 30));
    }

    @Test
    public void commitAfterRefundIsRefused() {
        BudgetStore s = newStore();
        BudgetKey k = opened(s, 100);
        Reservation r = s.reserve(List.of(k), 30, "job-1").value();
        s.refund(r);
        assertThatThrownBy(() -> s.commit(r)).isInstanceOf(IllegalStateException.class);
        assertThat(s.balance(k)).isEqualTo(bal(s, k, 100, 0, 0));
    }

    @Test
    public void settlingAnUnknownReservationIsRefused() {
        BudgetStore s = newStore();
        BudgetKey k = opened(s, 100);
        Reservation forged = new Reservation(UUID.randomUUID().toString(), "job-1", List.of(k), 30);
        assertThatThrownBy(() -> s.commit(forged)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.refund(forged)).isInstanceOf(IllegalStateException.class);
        assertThat(s.balance(k)).isEqualTo(bal(s, k, 100, 0, 0));
    }

    @Test
    public void openIsFirstWinsAndUnopenedBalanceIsZero() {
        BudgetStore s = newStore();
        BudgetKey k = contractKey();
        assertThat(s.balance(k)).isEqualTo(bal(s, k, 0, 0, 0));
        s.open(k, 100);
        s.open(k, 1_000_000);
        assertThat(s.balance(k).total()).isEqualTo(100);
    }

    @Test
    public void jobQuotaCountsInUnitsOfOne() {
        BudgetStore s = newStore();
        BudgetKey jobs = BudgetKey.contractJobs("c-" + UUID.randomUUID());
        s.open(jobs, 2);
        s.commit(s.reserve(List.of(jobs), 1, "job-1").value());
        s.refund(s.reserve(List.of(jobs), 1, "job-2").value());
        s.commit(s.reserve(List.of(jobs), 1, "job-3").value());
        assertThat(s.reserve(List.of(jobs), 1, "job-4").violations()).extracting(Violation::code).containsExactly("BUDGET_EXHAUSTED");
    }

    /**
     * 64 threads reserve random amounts on random key subsets and commit, refund or leave them open. At
     * every step reserved + committed ≤ total; at the end every key's committed and reserved totals equal
     * exactly what the threads committed and left open.
     */
    @Test
    public void concurrentReservationsNeverOverspendAndBalancesAddUp() throws Exception {
        BudgetStore s = newStore();
        List<BudgetKey> keys = List.of(opened(s, 1_000_000), opened(s, 1_000_000),
                BudgetKey.datasetOrg("ds-" + UUID.randomUUID(), "org"));
        s.open(keys.get(2), 1_500_000);
        Map<BudgetKey, Long> totals = Map.of(keys.get(0), 1_000_000L, keys.get(1), 1_000_000L, keys.get(2), 1_500_000L);
        Map<BudgetKey, LongAdder> committed = new ConcurrentHashMap<>();
        keys.forEach(k -> committed.put(k, new LongAdder()));
        ConcurrentLinkedQueue<Reservation> open = new ConcurrentLinkedQueue<>();
        AtomicLong refusals = new AtomicLong();
        int threads = 64;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                Random rnd = new Random(4711L * (thread + 1));
                start.await();
                for (int i = 0; i < operationsPerThread(); i++) {
                    List<BudgetKey> subset = new ArrayList<>();
                    keys.forEach(k -> {
                        if (rnd.nextBoolean()) {
                            subset.add(k);
                        }
                    });
                    if (subset.isEmpty()) {
                        subset.add(keys.get(rnd.nextInt(keys.size())));
                    }
                    Result<Reservation> r = s.reserve(subset, 1 + rnd.nextInt(2000), "job-" + thread + "-" + i);
                    if (!r.isOk()) {
                        assertThat(r.violations()).extracting(Violation::code).containsOnly("BUDGET_EXHAUSTED");
                        refusals.incrementAndGet();
                        continue;
                    }
                    Reservation res = r.value();
                    for (BudgetKey k : subset) {
                        BudgetBalance b = s.balance(k);
                        assertThat(b.reserved() + b.committed()).isLessThanOrEqualTo(b.total());
                    }
                    switch (rnd.nextInt(3)) {
                        case 0 -> {
                            s.commit(res);
                            s.commit(res);
                            res.keys().forEach(k -> committed.get(k).add(res.amount()));
                        }
                        case 1 -> {
                            s.refund(res);
                            s.refund(res);
                        }
                        default -> open.add(res);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertThat(refusals.get()).as("the budgets were actually contended").isPositive();
        for (BudgetKey k : keys) {
            long stillOpen = open.stream().filter(r -> r.keys().contains(k)).mapToLong(Reservation::amount).sum();
            assertThat(s.balance(k)).isEqualTo(new BudgetBalance(k, totals.get(k), stillOpen, committed.get(k).sum()));
        }
        open.forEach(s::refund);
        for (BudgetKey k : keys) {
            assertThat(s.balance(k).reserved()).isZero();
        }
    }
}
