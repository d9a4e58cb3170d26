package io.veil.sandbox.analysis;

import io.veil.policy.Aggregate;

/**
 * What one output column is, for the planner.
 *
 * @param name      output column name: the user's alias, else what DuckDB would call it
 * @param kind      GROUP_KEY (a grouped expression), AGGREGATE (exactly one aggregate call), or
 *                  EXPRESSION (anything else built from aggregates, group keys and constants)
 * @param aggregate the aggregate when kind is AGGREGATE
 * @param distinct  COUNT(DISTINCT ...)
 * @param argument  the aggregate's argument when it is one column (possibly under casts); null otherwise
 */
public record SelectItem(String name, Kind kind, Aggregate aggregate, boolean distinct, ResolvedColumn argument) {
    public enum Kind { GROUP_KEY, AGGREGATE, EXPRESSION }
}
