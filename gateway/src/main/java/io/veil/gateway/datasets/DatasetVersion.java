package io.veil.gateway.datasets;

import java.time.Instant;

/**
 * One immutable version of a dataset: content commitment, row count, schema and safe statistics as
 * JSON, and where its ciphertext lives with its wrapped data key.
 *
 * @param contentCommitment  the zone's keyed commitment to the SHA-256 of the upload (ADR 0021) —
 *                           never the plain hash, which would confirm a guessed file; null for
 *                           versions stored before V9
 * @param copyBlobName       the encrypted copy jobs read, DuckDB (ADR 0019) or Parquet (ADR 0015) as its
 *                           name says, or null (CSV only: older versions, or the copy could not be made)
 * @param uniqueEntityColumn the ENTITY_ID column, if ingest proved it non-null and unique per row;
 *                           null when not unique or unknown (the planner then counts distinct entities)
 * @param nonNullColumns     columns ingest proved free of NULLs (exact, internal: the planner needs no
 *                           per-aggregate support count for them); empty when unknown
 */
public record DatasetVersion(String datasetId, int version, String contentCommitment, long rowCount, long sizeBytes,
                             String schemaJson, String statsJson, String blobName, String wrappedKey,
                             String zoneKeyVersion, Instant createdAt, String copyBlobName, String uniqueEntityColumn,
                             java.util.Set<String> nonNullColumns) {
    public DatasetVersion {
        nonNullColumns = nonNullColumns == null ? java.util.Set.of() : java.util.Set.copyOf(nonNullColumns);
    }

    /** A version whose columns' nullness is unknown. */
    public DatasetVersion(String datasetId, int version, String contentCommitment, long rowCount, long sizeBytes,
                          String schemaJson, String statsJson, String blobName, String wrappedKey, String zoneKeyVersion,
                          Instant createdAt, String copyBlobName, String uniqueEntityColumn) {
        this(datasetId, version, contentCommitment, rowCount, sizeBytes, schemaJson, statsJson, blobName, wrappedKey,
                zoneKeyVersion, createdAt, copyBlobName, uniqueEntityColumn, java.util.Set.of());
    }

    /** A CSV-only version (no job copy, entity uniqueness unknown). */
    public DatasetVersion(String datasetId, int version, String contentCommitment, long rowCount, long sizeBytes, String schemaJson,
                          String statsJson, String blobName, String wrappedKey, String zoneKeyVersion, Instant createdAt) {
        this(datasetId, version, contentCommitment, rowCount, sizeBytes, schemaJson, statsJson, blobName, wrappedKey, zoneKeyVersion,
                createdAt, null, null);
    }
}
