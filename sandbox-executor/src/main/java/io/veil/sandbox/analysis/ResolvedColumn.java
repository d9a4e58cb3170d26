package io.veil.sandbox.analysis;

/** A column reference bound to the table occurrence it reads. */
public record ResolvedColumn(TableRef table, ColumnSchema column) {
}
