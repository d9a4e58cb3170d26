package io.veil.gateway.ingest;

import java.util.List;

/**
 * What an ingest produced besides the normalised CSV: schema, row count, SHA-256 of the upload, and the
 * exact tallies the catalog's noisy statistics are drawn from (which must not be stored as they are).
 */
public record IngestResult(List<ColumnInfo> schema, long rowCount, String sha256Hex, long bytesRead, CatalogCounts counts) {}
