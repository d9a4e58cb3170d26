package io.veil.gateway.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * Catalog statistics that identify nobody (invariant 1). Which fields are present depends on the
 * column's role (see {@link StatsCollector}):
 * <ul>
 *   <li>every column: {@code nullCount};</li>
 *   <li>DIMENSION (not DOUBLE): {@code frequentValues} — only values shared by at least {@link #K}
 *       rows — and {@code approxDistinct} (2 significant digits); {@code highCardinality} once too
 *       many distinct values were seen to track them;</li>
 *   <li>METRIC and numeric DIMENSION: {@code mean} and {@code stddev} to 3 significant digits, only
 *       over at least K values;</li>
 *   <li>ENTITY_ID, QUASI_IDENTIFIER, JOIN_KEY, SENSITIVE of type VARCHAR: {@code length}, a
 *       power-of-two bucket range of value lengths, only over at least K values.</li>
 * </ul>
 * Never a minimum, maximum or quantile: those are individual values.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ColumnStats(long nullCount, Map<String, Long> frequentValues, Long approxDistinct,
                          Boolean highCardinality, Double mean, Double stddev, LengthRange length) {
    /** Minimum number of rows that must share a value before it may be published. */
    public static final int K = 10;

    /** Value lengths (UTF-16 code units) lie in [atLeast, atMost]; both are powers of two. */
    public record LengthRange(int atLeast, int atMost) {}
}
