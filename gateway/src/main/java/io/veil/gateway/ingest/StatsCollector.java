package io.veil.gateway.ingest;

import io.veil.policy.ColumnRole;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Gathers one column's exact tallies during ingest — rows and distinct entities per value, per
 * length band and for its nulls. What is gathered depends on the role, so identifying columns never
 * even get a value counter, and METRIC / SENSITIVE values are never summarised (a mean of an
 * unbounded value moves by x/n when one person is added). The tallies stay in memory; only noisy
 * counts are ever stored ({@link CatalogCounts}).
 */
final class StatsCollector {
    /** Value lengths are banded by powers of two: band j holds lengths [2^j, 2^(j+1) − 1]. */
    private static final int LENGTH_BANDS = 32;
    private final EntityCounting counting;
    private final ValueCounter counter;
    private Hll distinct;
    private EntitySketch[] valueEntities = new EntitySketch[16];
    private final long[] lengthRows;
    private final EntitySketch[] lengthEntities;
    private long nullRows;
    private final EntitySketch nullEntities;

    StatsCollector(ColumnRole role, Types type, long[] charBudget, EntityCounting counting) {
        this.counting = counting;
        boolean dimension = role == ColumnRole.DIMENSION;
        this.counter = dimension && type != Types.DOUBLE ? new ValueCounter(charBudget) : null;
        boolean lengths = type == Types.VARCHAR && !dimension && role != ColumnRole.METRIC;
        this.lengthRows = lengths ? new long[LENGTH_BANDS] : null;
        this.lengthEntities = lengths ? new EntitySketch[LENGTH_BANDS] : null;
        this.nullEntities = counting.total();
    }

    /** A NULL cell in a row of {@code entity} ({@link EntitySketch#NO_ENTITY} when unknown). */
    void addNull(long entity) {
        nullRows++;
        if (nullEntities != null) nullEntities.add(entity);
    }

    /** One non-null value in canonical form, in a row of {@code entity}. */
    void add(Cell c, long entity) {
        if (counter != null) {
            long h = ValueCounter.hash(c.chars, c.off, c.len);
            if (distinct != null) {
                distinct.add(h);
            } else {
                int ordinal = counter.add(c.chars, c.off, c.len, h);
                if (ordinal < 0) {
                    distinct = new Hll();
                    counter.handOver(distinct);
                    distinct.add(h);
                    valueEntities = null;
                } else if (counting.on()) {
                    sketch(ordinal).add(entity);
                }
            }
        }
        if (lengthRows != null) {
            int band = 31 - Integer.numberOfLeadingZeros(c.len);
            lengthRows[band]++;
            if (counting.on()) {
                if (lengthEntities[band] == null) lengthEntities[band] = counting.category();
                lengthEntities[band].add(entity);
            }
        }
    }

    private EntitySketch sketch(int ordinal) {
        if (ordinal >= valueEntities.length) valueEntities = Arrays.copyOf(valueEntities, Math.max(ordinal + 1, valueEntities.length * 2));
        EntitySketch s = valueEntities[ordinal];
        if (s == null) valueEntities[ordinal] = s = counting.category();
        return s;
    }

    ColumnCounts result() {
        Tally nulls = new Tally(null, nullRows, nullEntities);
        List<Tally> lengths = null;
        if (lengthRows != null) {
            lengths = new ArrayList<>();
            for (int j = 0; j < LENGTH_BANDS; j++) {
                if (lengthRows[j] > 0) lengths.add(new Tally(band(j), lengthRows[j], lengthEntities[j]));
            }
        }
        if (counter == null) return new ColumnCounts(nulls, null, lengths, null);
        if (distinct != null) {
            return new ColumnCounts(nulls, null, lengths, new ColumnCounts.Distinct(distinct.estimate(), false, distinct.registers()));
        }
        List<Tally> values = new ArrayList<>(counter.size());
        EntitySketch[] entities = valueEntities;
        counter.forEach((value, rows, ordinal) -> values.add(new Tally(value, rows, counting.on() ? entities[ordinal] : null)));
        return new ColumnCounts(nulls, values, lengths, new ColumnCounts.Distinct(counter.size(), true, 0));
    }

    /** The label of length band j, e.g. "8-15". */
    static String band(int j) {
        long lo = 1L << j;
        return lo + "-" + (2 * lo - 1);
    }
}
