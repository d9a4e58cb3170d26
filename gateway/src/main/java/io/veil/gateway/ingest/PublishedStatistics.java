package io.veil.gateway.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * A version's statistics as catalog readers see them (ADR 0020, docs/privacy.md §10): distinct
 * entities, never rows, each a noisy count drawn once at ingest, rounded to two significant digits and
 * shown only if it reaches {@code threshold} = k + margin, where k ({@code minEntities}) is the
 * strictest of the zone floor and every offer on the dataset. {@code entities} is absent, and
 * {@code columns} empty, when the version itself is below the threshold.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PublishedStatistics(int minEntities, long threshold, Long entities, Map<String, ColumnStats> columns) {}
