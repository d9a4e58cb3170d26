package io.veil.sandbox.analysis;

import io.veil.policy.Aggregate;
import java.util.Map;
import java.util.Set;

/**
 * The function allowlist. Everything not named here is rejected: hash/md5/modulo/regexp turn an
 * aggregate into a bit-by-bit extraction channel, random() defeats reproducibility, and file, network
 * and settings functions escape the sandbox. Names are as DuckDB's parser reports them.
 */
final class Functions {
    private Functions() {
    }

    static final Map<String, Aggregate> AGGREGATES = Map.of(
            "count_star", Aggregate.COUNT, "count", Aggregate.COUNT, "sum", Aggregate.SUM,
            "avg", Aggregate.AVG, "min", Aggregate.MIN, "max", Aggregate.MAX);

    /** Scalar functions with their allowed argument counts (min, max). */
    static final Map<String, int[]> SCALARS = Map.ofEntries(
            Map.entry("+", new int[] {1, 2}), Map.entry("-", new int[] {1, 2}),
            Map.entry("*", new int[] {2, 2}), Map.entry("/", new int[] {2, 2}),
            Map.entry("abs", new int[] {1, 1}), Map.entry("round", new int[] {1, 2}),
            Map.entry("floor", new int[] {1, 1}), Map.entry("ceil", new int[] {1, 1}),
            Map.entry("ceiling", new int[] {1, 1}), Map.entry("coalesce", new int[] {1, 16}),
            Map.entry("lower", new int[] {1, 1}), Map.entry("upper", new int[] {1, 1}),
            Map.entry("date_trunc", new int[] {2, 2}), Map.entry("year", new int[] {1, 1}),
            Map.entry("month", new int[] {1, 1}));

    static final Set<String> DATE_PARTS = Set.of("year", "quarter", "month", "week", "day");

    /** CAST targets without type parameters; DECIMAL is checked separately (width at most 18). */
    static final Set<String> CAST_TYPES = Set.of("BIGINT", "INTEGER", "DOUBLE", "BOOLEAN", "DATE", "VARCHAR");

    static final Set<String> COMPARISONS = Set.of("COMPARE_EQUAL", "COMPARE_NOTEQUAL", "COMPARE_LESSTHAN",
            "COMPARE_GREATERTHAN", "COMPARE_LESSTHANOREQUALTO", "COMPARE_GREATERTHANOREQUALTO",
            "COMPARE_DISTINCT_FROM", "COMPARE_NOT_DISTINCT_FROM");

    static final int MAX_IN_LIST = 100;
}
