package io.veil.ledger.embedded;

import io.veil.crypto.Suite;
import io.veil.ledger.MerkleProofs;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The RFC 9162 tree over the log, kept in memory as every perfect, aligned subtree hash: level k
 * holds the hash of leaves [i·2^k, (i+1)·2^k). Any subtree the RFC recursion asks for is either one
 * of those or a right-edge subtree folded from O(log n) of them, so roots and proofs cost
 * O(log² n) hashes at most. About 64 bytes per leaf; rebuilt from the log on open.
 *
 * <p>One writer (under the ledger's write lock); concurrent readers ask only about sizes the
 * writer has published as durable.
 */
final class MerkleTree {
    private static final int MAX_LEVELS = 64;
    private final Suite suite;
    private final HashArray[] levels = new HashArray[MAX_LEVELS];
    private final MessageDigest writerDigest;
    private long size;

    MerkleTree(Suite suite) {
        this.suite = suite;
        this.writerDigest = suite.newDigest();
        for (int i = 0; i < MAX_LEVELS; i++) {
            levels[i] = new HashArray();
        }
    }

    long size() {
        return size;
    }

    byte[] leaf(long index) {
        return levels[0].get(index);
    }

    void append(byte[] leafHash) {
        long index = size;
        levels[0].set(index, leafHash);
        int level = 0;
        // Carry: every time the new node completes a pair, the parent becomes a perfect subtree.
        while ((index & 1) == 1) {
            byte[] parent = MerkleProofs.nodeHash(writerDigest, levels[level].get(index - 1), levels[level].get(index));
            index >>= 1;
            level++;
            levels[level].set(index, parent);
        }
        size++;
    }

    /** Forgets leaves from {@code newSize} on (uncommitted tail dropped at open); stale nodes are overwritten later. */
    void truncate(long newSize) {
        if (newSize > size) {
            throw new IllegalArgumentException("cannot grow by truncation");
        }
        size = newSize;
    }

    byte[] root(long treeSize) {
        check(treeSize);
        return treeSize == 0 ? MerkleProofs.emptyRoot(suite) : mth(suite.newDigest(), 0, treeSize);
    }

    /** RFC 9162 PATH(m, D[n]), leaf-side first. */
    List<byte[]> inclusionPath(long m, long n) {
        check(n);
        if (m < 0 || m >= n) {
            throw new IllegalArgumentException("leaf " + m + " is not in a tree of size " + n);
        }
        MessageDigest md = suite.newDigest();
        List<byte[]> topDown = new ArrayList<>();
        long lo = 0;
        long hi = n;
        while (hi - lo > 1) {
            long k = Long.highestOneBit(hi - lo - 1);
            if (m < lo + k) {
                topDown.add(mth(md, lo + k, hi));
                hi = lo + k;
            } else {
                topDown.add(mth(md, lo, lo + k));
                lo += k;
            }
        }
        Collections.reverse(topDown);
        return topDown;
    }

    /** RFC 9162 PROOF(m, D[n]) = SUBPROOF(m, D[n], true), leaf-side first; empty for m = 0 or m = n. */
    List<byte[]> consistencyPath(long m, long n) {
        check(n);
        if (m < 0 || m > n) {
            throw new IllegalArgumentException("cannot prove " + m + " → " + n);
        }
        List<byte[]> topDown = new ArrayList<>();
        if (m == 0 || m == n) {
            return topDown;
        }
        MessageDigest md = suite.newDigest();
        long lo = 0;
        long hi = n;
        boolean complete = true; // b in the RFC: the old tree is exactly this subtree's left part
        while (true) {
            if (m == hi - lo) {
                if (!complete) {
                    topDown.add(mth(md, lo, hi));
                }
                break;
            }
            long k = Long.highestOneBit(hi - lo - 1);
            if (m <= k) {
                topDown.add(mth(md, lo + k, hi));
                hi = lo + k;
            } else {
                topDown.add(mth(md, lo, lo + k));
                m -= k;
                lo += k;
                complete = false;
            }
        }
        Collections.reverse(topDown);
        return topDown;
    }

    /** MTH of leaves [lo, hi) for a subtree the RFC recursion produces (lo a multiple of the split size). */
    private byte[] mth(MessageDigest md, long lo, long hi) {
        long n = hi - lo;
        if (Long.bitCount(n) == 1 && lo % n == 0) {
            return levels[Long.numberOfTrailingZeros(n)].get(lo / n);
        }
        long k = Long.highestOneBit(n - 1);
        byte[] left = mth(md, lo, lo + k);
        byte[] right = mth(md, lo + k, hi);
        return MerkleProofs.nodeHash(md, left, right);
    }

    private void check(long treeSize) {
        if (treeSize < 0 || treeSize > size) {
            throw new IllegalArgumentException("tree size " + treeSize + " beyond " + size);
        }
    }
}
