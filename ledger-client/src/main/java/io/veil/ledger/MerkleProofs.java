package io.veil.ledger;

import io.veil.crypto.Suite;
import java.security.MessageDigest;
import java.util.List;

/**
 * RFC 9162 Merkle tree hashing and proof verification, with H = the zone suite's hash (SHA-256 for
 * INTL, SM3 for GM). Leaf = H(0x00 ‖ entry), node = H(0x01 ‖ left ‖ right), empty tree = H("").
 * The verification loops are §2.1.3.2 and §2.1.4.2 transcribed; they never throw on hostile input.
 */
public final class MerkleProofs {
    private MerkleProofs() {}

    public static byte[] emptyRoot(Suite suite) {
        return suite.hash(new byte[0]);
    }

    public static byte[] leafHash(Suite suite, byte[] entry) {
        return leafHash(suite.newDigest(), entry);
    }

    public static byte[] leafHash(MessageDigest md, byte[] entry) {
        md.reset();
        md.update((byte) 0);
        return md.digest(entry);
    }

    public static byte[] nodeHash(MessageDigest md, byte[] left, byte[] right) {
        md.reset();
        md.update((byte) 1);
        md.update(left);
        return md.digest(right);
    }

    public static boolean verifyInclusion(Suite suite, InclusionProof proof, byte[] leafHash, byte[] root) {
        return root != null && MessageDigest.isEqual(
                rootFromInclusion(suite, proof.leafIndex(), proof.treeSize(), leafHash, proof.path()), root);
    }

    /** The root implied by an inclusion proof, or an empty array if the proof is malformed for its sizes. */
    public static byte[] rootFromInclusion(Suite suite, long leafIndex, long treeSize, byte[] leafHash, List<byte[]> path) {
        if (leafIndex < 0 || leafIndex >= treeSize || leafHash == null) {
            return new byte[0];
        }
        MessageDigest md = suite.newDigest();
        long fn = leafIndex;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0 || p == null) {
                return new byte[0];
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(md, p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = nodeHash(md, r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 ? r : new byte[0];
    }

    public static boolean verifyConsistency(Suite suite, ConsistencyProof proof, byte[] oldRoot, byte[] newRoot) {
        long first = proof.fromSize();
        long second = proof.toSize();
        List<byte[]> path = proof.path();
        if (first < 0 || first > second || oldRoot == null || newRoot == null) {
            return false;
        }
        if (first == second) {
            return path.isEmpty() && MessageDigest.isEqual(oldRoot, newRoot);
        }
        if (first == 0) {
            // Every tree extends the empty tree; there is nothing to prove.
            return path.isEmpty() && MessageDigest.isEqual(oldRoot, emptyRoot(suite));
        }
        if (path.isEmpty() || path.contains(null)) {
            return false;
        }
        MessageDigest md = suite.newDigest();
        boolean firstIsPowerOfTwo = Long.bitCount(first) == 1;
        long fn = first - 1;
        long sn = second - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        int start = firstIsPowerOfTwo ? 0 : 1;
        byte[] fr = firstIsPowerOfTwo ? oldRoot : path.get(0);
        byte[] sr = fr;
        for (int i = start; i < path.size(); i++) {
            byte[] c = path.get(i);
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(md, c, fr);
                sr = nodeHash(md, c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = nodeHash(md, sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(fr, oldRoot) && MessageDigest.isEqual(sr, newRoot);
    }
}
