package io.veil.gateway.ingest;

/**
 * Rows and distinct entities behind one catalog count: a value, a length band, a column's nulls or a
 * whole version. Exact, never published as is — {@link CatalogCounts#noised} turns tallies into noisy
 * entity counts. {@code entities} is null when rows are entities (no ENTITY_ID column).
 */
record Tally(String label, long rows, EntitySketch entities) {}
