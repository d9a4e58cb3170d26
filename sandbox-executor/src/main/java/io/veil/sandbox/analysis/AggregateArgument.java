package io.veil.sandbox.analysis;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The argument discipline of every aggregate (docs/privacy.md §2, AWS Clean Rooms' COLUMNS_ONLY): an
 * aggregate's argument is a bare column, or a CAST of one that keeps every value (to its own type,
 * or an integer to DOUBLE). Anything else is a scalar function of individual values evaluated before
 * aggregation, and such a function can act as a predicate on one person: {@code SUM(floor(x / 1e6))}
 * counts the people above a million, {@code MAX} comes out of {@code SUM(CASE WHEN x > c ...)},
 * {@code SUM(TRY_CAST(x AS DECIMAL(4,0)))} sums only the values below 10,000. Restricting an aggregate
 * is written as {@code FILTER (WHERE ...)}, which the planner can support-count; transforming its
 * result is written outside it: {@code round(SUM(x), 2)}.
 */
final class AggregateArgument {
    private AggregateArgument() {
    }

    static void check(JsonNode arg, String aggregate, Scope scope) {
        JsonNode n = arg;
        int casts = 0;
        while ("CAST".equals(n.path("class").asText())) {
            n = n.get("child");
            casts++;
        }
        if (n == null || !"COLUMN_REF".equals(n.path("class").asText())) {
            throw refused(aggregate);
        }
        ResolvedColumn rc = scope.resolve(n.get("column_names"));
        if (rc == null || casts == 0) {
            return; // an unknown column is reported by the walk
        }
        String type = rc.column().type();
        for (JsonNode c = arg; "CAST".equals(c.path("class").asText()); c = c.get("child")) {
            String target = c.path("cast_type").path("id").asText();
            boolean widening = target.equals("DOUBLE") && (type.equals("BIGINT") || type.equals("DOUBLE"));
            if (!target.equals(type) && !widening) {
                throw new Reject(Codes.AGGREGATE_ARGUMENT, "inside " + aggregate + " a column may only be cast to its own type or "
                        + "from a whole number to DOUBLE: other casts drop or round values and act as a filter");
            }
        }
    }

    private static Reject refused(String aggregate) {
        return new Reject(Codes.AGGREGATE_ARGUMENT, "the argument of " + aggregate.replace("count_star", "count")
                + " must be a column (or a CAST of one): restrict an aggregate with FILTER (WHERE ...), and apply "
                + "functions to its result outside it, e.g. round(SUM(x), 2)");
    }
}
