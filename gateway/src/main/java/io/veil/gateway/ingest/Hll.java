package io.veil.gateway.ingest;

/** HyperLogLog (2^12 registers, ~1.6% standard error) for approximate distinct counts of high-cardinality columns. */
final class Hll {
    private static final int P = 12;
    private static final int M = 1 << P;
    private final byte[] registers = new byte[M];

    void add(long hash) {
        int idx = (int) (hash >>> (64 - P));
        int rank = Math.min(Long.numberOfLeadingZeros(hash << P), 64 - P) + 1;
        if (rank > registers[idx]) registers[idx] = (byte) rank;
    }

    long estimate() {
        double sum = 0;
        int zeros = 0;
        for (byte r : registers) {
            sum += 1.0 / (1L << r);
            if (r == 0) zeros++;
        }
        double alpha = 0.7213 / (1 + 1.079 / M);
        double e = alpha * M * M / sum;
        if (e <= 2.5 * M && zeros > 0) e = M * Math.log((double) M / zeros);
        return Math.round(e);
    }
}
