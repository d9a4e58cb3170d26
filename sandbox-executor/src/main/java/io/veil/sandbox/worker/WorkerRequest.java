package io.veil.sandbox.worker;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * One job for the sandbox worker, sent over its stdin (never argv, env or disk: it carries data keys).
 *
 * @param tables      encrypted inputs, each loaded as table {@code internalName}
 * @param sql         trusted SQL produced by the planner, over the internal table names
 * @param enforcement the planner's EnforcementSpec as JSON; applied before anything leaves the worker
 * @param limits      resource limits
 */
public record WorkerRequest(List<Table> tables, String sql, JsonNode enforcement, Limits limits) {

    /**
     * @param blobPath        path of the ciphertext as the worker sees it
     * @param dataKeyBase64   the unwrapped data key (exists only in memory and on the stdin pipe)
     * @param associatedData  the stream's associated data ("datasetId:version")
     * @param columns         names and types of the stored normalised CSV
     * @param format          {@code csv} (normalised CSV, the default when absent), {@code parquet} (ADR 0015) or
     *                        {@code duckdb} (the DuckDB job copy, ADR 0019)
     */
    public record Table(String internalName, String blobPath, String suite, String dataKeyBase64, String associatedData,
                        List<Column> columns, String format) {
        public static final String CSV = "csv";
        public static final String PARQUET = "parquet";
        public static final String DUCKDB = "duckdb";

        public Table {
            if (format == null) format = CSV;
            if (!format.equals(CSV) && !format.equals(PARQUET) && !format.equals(DUCKDB)) {
                throw new IllegalArgumentException("format must be csv, parquet or duckdb");
            }
        }

        /** A normalised-CSV input (versions stored before ADR 0015 have only this). */
        public Table(String internalName, String blobPath, String suite, String dataKeyBase64, String associatedData,
                     List<Column> columns) {
            this(internalName, blobPath, suite, dataKeyBase64, associatedData, columns, CSV);
        }

        boolean parquet() {
            return PARQUET.equals(format);
        }

        @Override
        public String toString() {
            return "Table[" + internalName + "]"; // never print the key
        }
    }

    public record Column(String name, String type) {}

    public record Limits(int memoryMb, int threads, long timeoutMs, long maxResultRows) {
        public static Limits defaults() {
            return new Limits(2048, 2, 120_000, 100_000);
        }
    }
}
