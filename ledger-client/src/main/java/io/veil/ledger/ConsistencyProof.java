package io.veil.ledger;

import java.util.List;

/** RFC 9162 §2.1.4 consistency proof between tree sizes {@code fromSize} ≤ {@code toSize}. */
public record ConsistencyProof(long fromSize, long toSize, List<byte[]> path) {
    public ConsistencyProof {
        path = path.stream().map(byte[]::clone).toList();
    }

    @Override
    public List<byte[]> path() {
        return path.stream().map(byte[]::clone).toList();
    }
}
