package io.veil.gateway.datasets;

import java.time.Instant;

/**
 * One immutable version of a dataset: content digest (SHA-256 of the upload), row count, schema
 * and safe statistics as JSON, and where its ciphertext lives with its wrapped data key.
 */
public record DatasetVersion(String datasetId, int version, String digest, long rowCount, long sizeBytes,
                             String schemaJson, String statsJson, String blobName, String wrappedKey,
                             String zoneKeyVersion, Instant createdAt) {}
