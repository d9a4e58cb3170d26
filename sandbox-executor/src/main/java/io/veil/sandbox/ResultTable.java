package io.veil.sandbox;

import java.util.List;

/**
 * A tabular query result. Inside a worker it may hold unenforced values; only a table returned by
 * the output enforcer may leave the worker (invariant 1, "not visible").
 *
 * @param columns output column names
 * @param types   DuckDB type names of the columns (e.g. BIGINT, DOUBLE, VARCHAR)
 * @param rows    row values: Long, Double, String, Boolean, java.time.LocalDate or null
 */
public record ResultTable(List<String> columns, List<String> types, List<List<Object>> rows) {
    public ResultTable {
        columns = List.copyOf(columns);
        types = List.copyOf(types);
        rows = rows.stream().map(r -> java.util.Collections.unmodifiableList(new java.util.ArrayList<>(r))).toList();
    }
}
