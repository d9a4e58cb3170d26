package io.veil.gateway.ingest;

import java.util.Arrays;

/**
 * Counts distinct values of one column without allocating for values already seen (open
 * addressing keyed by a 64-bit hash of the char slice). Each value gets an ordinal (0, 1, … in
 * order of first appearance) so callers can keep per-value state in plain arrays. Bounded: at most
 * {@link #MAX_DISTINCT} values and a shared character budget; past either it stops and reports
 * high cardinality.
 */
final class ValueCounter {
    static final int MAX_DISTINCT = 10_000;
    private static final int MAX_SLOTS = 1 << 14;
    private char[][] keys = new char[64][];
    private long[] hashes = new long[64];
    private long[] counts = new long[64];
    private int[] ordinals = new int[64];
    private int size;
    private boolean overflowed;
    private final long[] charBudget;

    /** {@code charBudget} is a one-element array shared by all columns of an upload. */
    ValueCounter(long[] charBudget) {
        this.charBudget = charBudget;
    }

    boolean overflowed() {
        return overflowed;
    }

    int size() {
        return size;
    }

    /** Counts one occurrence; returns the value's ordinal, or -1 once tracking has stopped. */
    int add(char[] a, int off, int len, long hash) {
        if (overflowed) return -1;
        int mask = keys.length - 1;
        for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
            char[] k = keys[i];
            if (k == null) break;
            if (hashes[i] == hash && Arrays.equals(k, 0, k.length, a, off, off + len)) {
                counts[i]++;
                return ordinals[i];
            }
        }
        if (size == MAX_DISTINCT || charBudget[0] < len) {
            overflowed = true;
            return -1;
        }
        charBudget[0] -= len;
        if ((size + 1) * 4 > keys.length * 3 && keys.length < MAX_SLOTS) grow();
        insert(Arrays.copyOfRange(a, off, off + len), hash, 1, size);
        return size++;
    }

    private void insert(char[] key, long hash, long count, int ordinal) {
        int mask = keys.length - 1;
        int i = (int) hash & mask;
        while (keys[i] != null) i = (i + 1) & mask;
        keys[i] = key;
        hashes[i] = hash;
        counts[i] = count;
        ordinals[i] = ordinal;
    }

    private void grow() {
        char[][] k = keys;
        long[] h = hashes, c = counts;
        int[] o = ordinals;
        keys = new char[k.length * 2][];
        hashes = new long[k.length * 2];
        counts = new long[k.length * 2];
        ordinals = new int[k.length * 2];
        for (int i = 0; i < k.length; i++) if (k[i] != null) insert(k[i], h[i], c[i], o[i]);
    }

    interface Visitor {
        void value(String value, long rows, int ordinal);
    }

    /** Every tracked value with its row count and ordinal. */
    void forEach(Visitor v) {
        for (int i = 0; i < keys.length; i++) if (keys[i] != null) v.value(new String(keys[i]), counts[i], ordinals[i]);
    }

    /** Hands every tracked value's hash to the sketch that takes over, then frees the table. */
    void handOver(Hll hll) {
        for (int i = 0; i < keys.length; i++) if (keys[i] != null) hll.add(hashes[i]);
        keys = null;
        hashes = null;
        counts = null;
        ordinals = null;
    }

    /** FNV-1a over the chars, then a 64-bit finaliser so the low bits (table index) and high bits (HLL) are both well mixed. */
    static long hash(char[] a, int off, int len) {
        long h = 0xcbf29ce484222325L;
        for (int i = off; i < off + len; i++) h = (h ^ a[i]) * 0x100000001b3L;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }
}
