package io.veil.policy;

/**
 * One use of a column in a query. {@code aggregate} is null unless {@code kind} is AGGREGATE_ARG;
 * COUNT(DISTINCT x) is reported as COUNT, and COUNT(*) as column {@code "*"} with COUNT.
 * Not validated here: the engine denies malformed uses (FOOTPRINT_MALFORMED) rather than throwing.
 */
public record ColumnUse(String datasetId, String column, UseKind kind, Aggregate aggregate) {
}
