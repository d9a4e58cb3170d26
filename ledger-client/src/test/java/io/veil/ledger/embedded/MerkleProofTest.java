package io.veil.ledger.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.crypto.Hex;
import io.veil.crypto.Suite;
import io.veil.ledger.ConsistencyProof;
import io.veil.ledger.InclusionProof;
import io.veil.ledger.MerkleProofs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MerkleTree against a direct transcription of RFC 9162 §2.1 (MTH, PATH, PROOF/SUBPROOF as
 * recursive list functions) for every tree size 0..300 and every leaf and every older size.
 */
class MerkleProofTest {
    static final int MAX = 300;
    static final Suite SUITE = Suite.INTL;

    /** RFC 9162 §2.1, written as the RFC states it; memoised on [lo, hi) because the leaves never change. */
    static final class Reference {
        final List<byte[]> leaves = new ArrayList<>();
        final Map<Long, byte[]> memo = new HashMap<>();

        byte[] h(byte[]... parts) {
            MessageDigest md = SUITE.newDigest();
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        }

        /** MTH(D[lo:hi]). */
        byte[] mth(int lo, int hi) {
            long key = (long) lo << 32 | hi;
            byte[] cached = memo.get(key);
            if (cached != null) {
                return cached;
            }
            int n = hi - lo;
            byte[] r;
            if (n == 0) {
                r = h();
            } else if (n == 1) {
                r = h(new byte[] {0}, leaves.get(lo));
            } else {
                int k = largestPowerOfTwoBelow(n);
                r = h(new byte[] {1}, mth(lo, lo + k), mth(lo + k, hi));
            }
            memo.put(key, r);
            return r;
        }

        static int largestPowerOfTwoBelow(int n) {
            int k = 1;
            while (k * 2 < n) {
                k *= 2;
            }
            return k;
        }

        /** PATH(m, D[lo:hi]). */
        List<byte[]> path(int m, int lo, int hi) {
            int n = hi - lo;
            List<byte[]> out = new ArrayList<>();
            if (n == 1) {
                return out;
            }
            int k = largestPowerOfTwoBelow(n);
            if (m < k) {
                out.addAll(path(m, lo, lo + k));
                out.add(mth(lo + k, hi));
            } else {
                out.addAll(path(m - k, lo + k, hi));
                out.add(mth(lo, lo + k));
            }
            return out;
        }

        /** SUBPROOF(m, D[lo:hi], b). */
        List<byte[]> subproof(int m, int lo, int hi, boolean b) {
            int n = hi - lo;
            List<byte[]> out = new ArrayList<>();
            if (m == n) {
                if (!b) {
                    out.add(mth(lo, hi));
                }
                return out;
            }
            int k = largestPowerOfTwoBelow(n);
            if (m <= k) {
                out.addAll(subproof(m, lo, lo + k, b));
                out.add(mth(lo + k, hi));
            } else {
                out.addAll(subproof(m - k, lo + k, hi, false));
                out.add(mth(lo, lo + k));
            }
            return out;
        }

        List<byte[]> proof(int m, int n) {
            return m == 0 || m == n ? List.of() : subproof(m, 0, n, true);
        }
    }

    static byte[] leafData(int i) {
        return ("entry " + i).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] flipped(byte[] b, int index) {
        byte[] c = b.clone();
        c[index % c.length] ^= 0x01;
        return c;
    }

    static List<byte[]> flippedPath(List<byte[]> path, int which) {
        List<byte[]> out = new ArrayList<>(path);
        out.set(which, flipped(path.get(which), which * 7));
        return out;
    }

    @Test
    void emptyTreeRootIsTheHashOfNothing() {
        assertThat(Hex.encode(new MerkleTree(Suite.INTL).root(0)))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Hex.encode(MerkleProofs.emptyRoot(Suite.INTL)))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void rootsAndInclusionProofsMatchTheRfcForEverySizeUpTo300() {
        Reference ref = new Reference();
        MerkleTree tree = new MerkleTree(SUITE);
        for (int n = 0; n <= MAX; n++) {
            assertThat(tree.root(n)).as("root of size %d", n).isEqualTo(ref.mth(0, n));
            byte[] root = tree.root(n);
            for (int m = 0; m < n; m++) {
                List<byte[]> path = tree.inclusionPath(m, n);
                assertThat(path).as("inclusion path %d in %d", m, n).containsExactlyElementsOf(ref.path(m, 0, n));
                byte[] leaf = tree.leaf(m);
                InclusionProof proof = new InclusionProof(m, n, path);
                assertThat(MerkleProofs.verifyInclusion(SUITE, proof, leaf, root)).as("verify %d in %d", m, n).isTrue();
                if (!path.isEmpty() && (m + n) % 5 == 0) {
                    assertThat(MerkleProofs.verifyInclusion(SUITE, new InclusionProof(m, n, flippedPath(path, m % path.size())), leaf, root))
                            .as("flipped path %d in %d", m, n).isFalse();
                }
                if ((m + n) % 5 == 1) {
                    assertThat(MerkleProofs.verifyInclusion(SUITE, proof, flipped(leaf, n), root)).isFalse();
                    assertThat(MerkleProofs.verifyInclusion(SUITE, proof, leaf, flipped(root, m))).isFalse();
                }
            }
            ref.leaves.add(leafData(n));
            tree.append(MerkleProofs.leafHash(SUITE, leafData(n)));
        }
    }

    @Test
    void consistencyProofsMatchTheRfcForEveryPairOfSizesUpTo300() {
        Reference ref = new Reference();
        MerkleTree tree = new MerkleTree(SUITE);
        for (int i = 0; i < MAX; i++) {
            ref.leaves.add(leafData(i));
            tree.append(MerkleProofs.leafHash(SUITE, leafData(i)));
        }
        for (int n = 0; n <= MAX; n++) {
            byte[] newRoot = tree.root(n);
            for (int m = 0; m <= n; m++) {
                List<byte[]> path = tree.consistencyPath(m, n);
                assertThat(path).as("consistency %d → %d", m, n).containsExactlyElementsOf(ref.proof(m, n));
                byte[] oldRoot = tree.root(m);
                ConsistencyProof proof = new ConsistencyProof(m, n, path);
                assertThat(MerkleProofs.verifyConsistency(SUITE, proof, oldRoot, newRoot)).as("verify %d → %d", m, n).isTrue();
                if (!path.isEmpty() && (m + n) % 5 == 0) {
                    assertThat(MerkleProofs.verifyConsistency(SUITE, new ConsistencyProof(m, n, flippedPath(path, n % path.size())), oldRoot, newRoot))
                            .as("flipped consistency %d → %d", m, n).isFalse();
                }
                if (m > 0 && (m + n) % 5 == 1) {
                    assertThat(MerkleProofs.verifyConsistency(SUITE, proof, flipped(oldRoot, n), newRoot)).isFalse();
                    assertThat(MerkleProofs.verifyConsistency(SUITE, proof, oldRoot, flipped(newRoot, m))).isFalse();
                }
            }
        }
    }

    @Test
    void smTreeUsesSm3ForLeavesAndNodes() {
        MerkleTree tree = new MerkleTree(Suite.GM);
        byte[] a = MerkleProofs.leafHash(Suite.GM, leafData(0));
        byte[] b = MerkleProofs.leafHash(Suite.GM, leafData(1));
        tree.append(a);
        tree.append(b);
        MessageDigest sm3 = Suite.GM.newDigest();
        sm3.update((byte) 1);
        sm3.update(a);
        assertThat(tree.root(2)).isEqualTo(sm3.digest(b));
        assertThat(tree.root(0)).isEqualTo(Suite.GM.hash(new byte[0]));
    }
}
