package io.veil.sandbox.analysis;

import io.veil.policy.ColumnRole;

/**
 * One column of a dataset as the analyzer sees it.
 *
 * @param name column name (matched case-insensitively, as DuckDB does)
 * @param type BIGINT, DOUBLE, BOOLEAN, DATE or VARCHAR
 * @param role the provider's classification; decides where the column may appear
 */
public record ColumnSchema(String name, String type, ColumnRole role) {
}
