package io.veil.sandbox.analysis;

import java.util.List;
import java.util.Optional;

/**
 * A contract dataset a query may read.
 *
 * @param datasetId the dataset id reported in the footprint
 * @param sqlName   the name the consumer used (informational; the analyzer's map key decides matching)
 * @param columns   the dataset's schema with roles
 */
public record TableBinding(String datasetId, String sqlName, List<ColumnSchema> columns) {
    public TableBinding {
        columns = List.copyOf(columns);
    }

    /** Case-insensitive lookup, like DuckDB's identifier resolution. */
    public Optional<ColumnSchema> column(String name) {
        return columns.stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst();
    }
}
