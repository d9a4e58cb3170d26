package io.veil.gateway.ingest;

import java.util.List;
import java.util.Map;

/** What an ingest produced besides the normalised CSV: schema, row count, SHA-256 of the upload, safe statistics. */
public record IngestResult(List<ColumnInfo> schema, long rowCount, String sha256Hex, long bytesRead,
                           Map<String, ColumnStats> stats) {}
