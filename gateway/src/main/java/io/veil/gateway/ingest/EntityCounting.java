package io.veil.gateway.ingest;

import java.security.SecureRandom;

/**
 * How one upload counts entities for its catalog statistics: off when the dataset has no ENTITY_ID
 * column (its rows are its entities); otherwise keyed entity hashes into {@link EntitySketch}es that
 * share one memory budget.
 */
final class EntityCounting {
    /** Bytes all entity sketches of one upload may hold together. */
    static final long BUDGET_BYTES = 64L << 20;
    /** Exact distinct entities per value or band; threshold decisions up to this size are on exact counts. */
    static final int CATEGORY_CAP = 128;
    static final int CATEGORY_HLL_BITS = 10;
    /** Exact distinct entities of a whole version or a column's nulls. */
    static final int TOTAL_CAP = 1 << 16;
    static final int TOTAL_HLL_BITS = 14;
    private final boolean on;
    private final long key;
    private final long[] budget = {BUDGET_BYTES};

    EntityCounting(boolean on) {
        this.on = on;
        this.key = on ? new SecureRandom().nextLong() : 0;
    }

    boolean on() {
        return on;
    }

    long hash(char[] a, int off, int len) {
        return EntitySketch.hash(a, off, len, key);
    }

    /** A sketch for one value or length band; null when rows are entities. */
    EntitySketch category() {
        return on ? new EntitySketch(CATEGORY_CAP, CATEGORY_HLL_BITS, budget) : null;
    }

    /** A sketch for a whole version or a column's nulls; null when rows are entities. */
    EntitySketch total() {
        return on ? new EntitySketch(TOTAL_CAP, TOTAL_HLL_BITS, budget) : null;
    }
}
