package io.veil.gateway.ingest;

/**
 * Bounds on an upload: raw bytes (counted as read), one field's length in characters, columns,
 * and how many leading rows decide the column types.
 */
public record IngestLimits(long maxBytes, int maxFieldChars, int maxColumns, int inferenceRows) {
    public IngestLimits {
        if (maxBytes <= 0 || maxFieldChars <= 0 || maxColumns <= 0 || inferenceRows <= 0) {
            throw new IllegalArgumentException("ingest limits must be positive");
        }
    }

    /** 2 GiB, 64 Ki characters per field, 512 columns, types from the first 1,000 rows. */
    public static IngestLimits defaults() {
        return new IngestLimits(2L << 30, 64 * 1024, 512, 1000);
    }

    public IngestLimits withMaxBytes(long n) {
        return new IngestLimits(n, maxFieldChars, maxColumns, inferenceRows);
    }

    public IngestLimits withMaxFieldChars(int n) {
        return new IngestLimits(maxBytes, n, maxColumns, inferenceRows);
    }

    public IngestLimits withMaxColumns(int n) {
        return new IngestLimits(maxBytes, maxFieldChars, n, inferenceRows);
    }

    public IngestLimits withInferenceRows(int n) {
        return new IngestLimits(maxBytes, maxFieldChars, maxColumns, n);
    }
}
