package io.veil.gateway.ingest;

import java.util.List;

/**
 * One column's exact tallies (never stored): its nulls, its values (DIMENSION except DOUBLE; null
 * once there were too many to track), its length bands (VARCHAR identifiers, quasi-identifiers, join
 * keys and sensitive text) and its number of distinct values.
 */
record ColumnCounts(Tally nulls, List<Tally> values, List<Tally> lengths, Distinct distinct) {
    /** Distinct values: exact, or a HyperLogLog estimate from {@code registers} registers. */
    record Distinct(long count, boolean exact, int registers) {}
}
