package io.veil.policy;

/** Snapshot of one key. Invariant: reserved + committed ≤ total. An unopened key has all zeros. */
public record BudgetBalance(BudgetKey key, long total, long reserved, long committed) {
    public long available() {
        return total - reserved - committed;
    }
}
