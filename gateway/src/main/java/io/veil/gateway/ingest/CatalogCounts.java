package io.veil.gateway.ingest;

import io.veil.sandbox.privacy.SecureNoise;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The exact tallies of one upload. They never leave memory: {@link #noised} draws the noise once, at
 * ingest, and only the noisy counts are stored (so re-reading the catalog cannot average the noise
 * away). The rule is docs/privacy.md §10; ADR 0020 says why.
 */
public final class CatalogCounts {
    private final Tally version;
    private final boolean entityColumn;
    private final Map<String, ColumnCounts> columns;

    CatalogCounts(Tally version, boolean entityColumn, Map<String, ColumnCounts> columns) {
        this.version = version;
        this.entityColumn = entityColumn;
        this.columns = columns;
    }

    /**
     * Columns in which no row holds NULL. Exact, for the planner only (it spares those columns a
     * per-aggregate support count, docs/privacy.md §4); never shown to anyone.
     */
    public java.util.Set<String> columnsWithoutNulls() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        columns.forEach((name, c) -> {
            if (c.nulls().rows() == 0) out.add(name);
        });
        return out;
    }

    Tally version() {
        return version;
    }

    Map<String, ColumnCounts> columns() {
        return columns;
    }

    /**
     * Noisy entity counts for the catalog. {@code oneRowPerEntity}: ingest proved the ENTITY_ID column
     * non-null and unique per row, so row counts are exact entity counts. Values and length bands whose
     * noisy count is below {@code floorMinEntities} + {@link StoredStatistics#MARGIN} are not stored at
     * all: no read-time k can be lower than the zone floor.
     */
    public StoredStatistics noised(boolean oneRowPerEntity, int floorMinEntities, SecureNoise noise) {
        boolean rowsAreEntities = !entityColumn || oneRowPerEntity;
        long keep = (long) floorMinEntities + StoredStatistics.MARGIN;
        Map<String, StoredStatistics.Column> out = new LinkedHashMap<>();
        for (Map.Entry<String, ColumnCounts> e : columns.entrySet()) {
            ColumnCounts c = e.getValue();
            Long distinct = c.distinct() == null ? null
                    : noisy(c.distinct().count(), c.distinct().exact(), c.distinct().registers(), noise);
            out.put(e.getKey(), new StoredStatistics.Column(count(c.nulls(), rowsAreEntities, noise),
                    c.values() == null ? null : categories(c.values(), rowsAreEntities, keep, noise),
                    c.lengths() == null ? null : categories(c.lengths(), rowsAreEntities, keep, noise),
                    distinct, c.distinct() == null ? null : c.values() != null));
        }
        return new StoredStatistics(StoredStatistics.FORMAT, count(version, rowsAreEntities, noise), out);
    }

    private static Map<String, Long> categories(List<Tally> tallies, boolean rowsAreEntities, long keep, SecureNoise noise) {
        record Noisy(String label, long count) {}
        // Which categories are kept depends on their noisy counts only, never on an exact one.
        List<Noisy> kept = tallies.stream().map(t -> {
            Long n = count(t, rowsAreEntities, noise);
            return n == null ? null : new Noisy(t.label(), n);
        }).filter(n -> n != null && n.count() >= keep)
                .sorted(Comparator.comparingLong(Noisy::count).reversed().thenComparing(Noisy::label))
                .limit(StoredStatistics.MAX_VALUES).toList();
        Map<String, Long> out = new LinkedHashMap<>();
        for (Noisy n : kept) out.put(n.label(), n.count());
        return out;
    }

    /** A tally's noisy entity count; null when it is unknown (its sketch ran out of memory). */
    private static Long count(Tally t, boolean rowsAreEntities, SecureNoise noise) {
        if (rowsAreEntities) return noisy(t.rows(), true, 0, noise);
        EntitySketch s = t.entities();
        if (s == null || !s.known()) return null;
        return noisy(s.count(), s.exact(), s.registers(), noise);
    }

    /**
     * Discrete Laplace of scale 1 for an exact count (adding or removing one entity moves it by at most 1).
     * A HyperLogLog estimate moves by about n/(0.72·m) when one entity is added; its scale, 8n/m, covers that
     * with room to spare.
     */
    static long noisy(long n, boolean exact, int registers, SecureNoise noise) {
        double scale = exact ? 1 : Math.max(1, Math.ceil(8.0 * n / registers));
        return n + noise.discreteLaplace(scale);
    }
}
