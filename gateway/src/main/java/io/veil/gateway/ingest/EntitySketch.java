package io.veil.gateway.ingest;

/**
 * The distinct entities behind one catalog count (a value, a length band, the nulls of a column, the
 * whole version). Exact — a set of 64-bit keyed entity hashes — up to {@code cap} entities, which is
 * where threshold decisions fall; past it a HyperLogLog. Memory comes from a budget shared by every
 * sketch of one upload; a sketch that cannot get memory is lost, and a lost count is never published
 * (fail closed).
 */
final class EntitySketch {
    /** Hash value meaning "this row has no entity" (no ENTITY_ID column, or a NULL id); {@link #hash} never returns it. */
    static final long NO_ENTITY = 0;
    private final int cap;
    private final int hllBits;
    private final long[] budget;
    private long[] table;
    private int size;
    private long last = NO_ENTITY;
    private Hll hll;
    private boolean lost;

    /** {@code budget} is a one-element array of bytes left, shared by all sketches of an upload. */
    EntitySketch(int cap, int hllBits, long[] budget) {
        this.cap = cap;
        this.hllBits = hllBits;
        this.budget = budget;
    }

    /** Keyed so that nobody can choose identifiers that collide or that aim at one HyperLogLog register. */
    static long hash(char[] a, int off, int len, long key) {
        long h = ValueCounter.hash(a, off, len) ^ key;
        h ^= h >>> 31;
        h *= 0x9e3779b97f4a7c15L;
        h ^= h >>> 29;
        return h == NO_ENTITY ? 1 : h;
    }

    void add(long h) {
        if (h == NO_ENTITY || h == last || lost) return;
        last = h; // rows of one entity are often adjacent
        if (hll != null) {
            hll.add(h);
            return;
        }
        if (table == null && !grow(8)) return;
        int mask = table.length - 1;
        int i = (int) h & mask;
        for (long k = table[i]; k != 0; k = table[i]) {
            if (k == h) return;
            i = (i + 1) & mask;
        }
        if (size == cap) {
            toHll(h);
            return;
        }
        table[i] = h;
        size++;
        if (size * 4 > table.length * 3) grow(table.length * 2);
    }

    private boolean grow(int slots) {
        if (!take(slots * 8L)) return false;
        long[] old = table;
        table = new long[slots];
        if (old != null) {
            budget[0] += old.length * 8L;
            for (long k : old) if (k != 0) insert(k);
        }
        return true;
    }

    private void insert(long h) {
        int mask = table.length - 1;
        int i = (int) h & mask;
        while (table[i] != 0) i = (i + 1) & mask;
        table[i] = h;
    }

    private void toHll(long h) {
        if (!take(1L << hllBits)) return;
        hll = new Hll(hllBits);
        for (long k : table) if (k != 0) hll.add(k);
        hll.add(h);
        budget[0] += table.length * 8L;
        table = null;
    }

    private boolean take(long bytes) {
        if (budget[0] < bytes) {
            lost = true;
            if (table != null) budget[0] += table.length * 8L;
            table = null;
            hll = null;
            return false;
        }
        budget[0] -= bytes;
        return true;
    }

    /** False once memory ran out: the count is unknown. */
    boolean known() {
        return !lost;
    }

    /** True while the count is exact (at most {@code cap} entities). */
    boolean exact() {
        return hll == null;
    }

    long count() {
        if (lost) throw new IllegalStateException("lost sketch has no count");
        return hll != null ? hll.estimate() : size;
    }

    /** Registers of the HyperLogLog a count past the cap comes from (for its noise scale). */
    int registers() {
        return 1 << hllBits;
    }
}
