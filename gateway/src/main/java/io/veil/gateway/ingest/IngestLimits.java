package io.veil.gateway.ingest;

/**
 * Bounds on an upload: raw bytes, one field's length, columns, and how many leading rows decide
 * the column types.
 */
public record IngestLimits(long maxBytes, int maxFieldChars, int maxColumns, int inferenceRows) {
    public static IngestLimits defaults() {
        return new IngestLimits(2L << 30, 64 * 1024, 512, 1000);
    }

    public IngestLimits withMaxBytes(long n) {
        return new IngestLimits(n, maxFieldChars, maxColumns, inferenceRows);
    }
}
