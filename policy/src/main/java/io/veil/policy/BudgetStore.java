package io.veil.policy;

import java.util.List;

/**
 * Privacy budgets (micro-ε, i.e. ε × 10⁶, so sums are exact) and job quotas (units of one job) with
 * reserve → commit | refund. Implementations must never let reserved + committed exceed a key's total,
 * also under concurrency; the shared behaviour is pinned by {@code BudgetStoreContractTest} (test-jar).
 */
public interface BudgetStore {

    /**
     * Holds {@code amount} on every key (duplicates count once), all or nothing. Refusals:
     * BUDGET_INVALID_AMOUNT (amount ≤ 0), BUDGET_NO_KEYS, BUDGET_NOT_OPEN, BUDGET_EXHAUSTED — the last two
     * with the key as path ("kind:id") so the caller can say which budget ran out.
     */
    Result<Reservation> reserve(List<BudgetKey> keys, long amount, String jobId);

    /** Spends a reservation. Idempotent; throws IllegalStateException if it was refunded or is unknown. */
    void commit(Reservation r);

    /** Releases a reservation. Idempotent; throws IllegalStateException if it was committed or is unknown. */
    void refund(Reservation r);

    BudgetBalance balance(BudgetKey k);

    /** Creates the key with this total if it does not exist; otherwise does nothing (budgets never grow silently). */
    void open(BudgetKey k, long total);
}
