package io.veil.gateway.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * Statistics safe to publish in the catalog: nothing here identifies an individual. Frequent values
 * are only values shared by at least {@link #K} rows; numeric summaries are rounded to 3
 * significant digits and only given over at least K values; no minimum, maximum or quantile
 * (those are individual values).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ColumnStats(long nullCount, Map<String, Long> frequentValues, Integer distinctValues,
                          Boolean highCardinality, Double mean, Double stddev) {
    public static final int K = 10;
}
