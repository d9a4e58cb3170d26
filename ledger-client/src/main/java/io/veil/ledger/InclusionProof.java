package io.veil.ledger;

import java.util.List;

/** RFC 9162 §2.1.3 audit path of leaf {@code leafIndex} in the tree of {@code treeSize} leaves, leaf-side first. */
public record InclusionProof(long leafIndex, long treeSize, List<byte[]> path) {
    public InclusionProof {
        path = path.stream().map(byte[]::clone).toList();
    }

    @Override
    public List<byte[]> path() {
        return path.stream().map(byte[]::clone).toList();
    }
}
