package io.veil.gateway.federation;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One dataset as a zone publishes it to its peers: metadata, column roles, schema, the published
 * statistics and a synthetic preview of the current version only (ADR 0020). Nothing here is read from
 * the dataset's rows; {@code approxEntities} is the noisy, rounded entity count (absent below the
 * threshold), never a row count.
 */
public record CatalogEntry(String id, String name, String description, List<String> tags, String license,
                           String ownerOrg, String zone, String tier, Map<String, String> columnRoles,
                           int currentVersion, Instant createdAt, String contentCommitment, Long approxEntities,
                           JsonNode schema, JsonNode statistics, Preview preview) {

    /** Synthetic rows generated from schema and statistics; {@code synthetic} is always true. */
    public record Preview(boolean synthetic, List<String> columns, List<Map<String, Object>> rows) {}

    /** One page of a zone's catalog ({@code GET /federation/v1/catalog}). */
    public record Page(String zone, String tier, List<CatalogEntry> datasets, long total, int offset, int limit) {}
}
