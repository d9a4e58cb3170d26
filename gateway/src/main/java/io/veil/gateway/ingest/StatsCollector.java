package io.veil.gateway.ingest;

import io.veil.policy.ColumnRole;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gathers one column's statistics during ingest and reduces them to a {@link ColumnStats} that
 * identifies nobody. What is gathered depends on the role, so identifying columns never even get
 * a value counter.
 */
final class StatsCollector {
    /** Frequent values published per column; the rest are still counted in approxDistinct. */
    static final int MAX_FREQUENT = 1_000;
    private final ColumnRole role;
    private final Types type;
    private ValueCounter counter;
    private Hll hll;
    private final boolean moments;
    private final boolean lengths;
    private long nulls;
    private long n;
    private double shift;
    private double sum;
    private double sumSq;
    private int minLen = Integer.MAX_VALUE;
    private int maxLen;

    StatsCollector(ColumnRole role, Types type, long[] charBudget) {
        this.role = role;
        this.type = type;
        boolean dimension = role == ColumnRole.DIMENSION;
        this.counter = dimension && type != Types.DOUBLE ? new ValueCounter(charBudget) : null;
        this.moments = type.numeric() && (dimension || role == ColumnRole.METRIC);
        this.lengths = type == Types.VARCHAR && !dimension && role != ColumnRole.METRIC;
    }

    void addNull() {
        nulls++;
    }

    /** One non-null value in canonical form. */
    void add(Cell c) {
        n++;
        if (moments) {
            // Shifted by the first value so the sums stay well conditioned (mean ≫ stddev is common for amounts).
            if (n == 1) shift = c.value;
            double d = c.value - shift;
            sum += d;
            sumSq += d * d;
        }
        if (counter != null) {
            long h = ValueCounter.hash(c.chars, c.off, c.len);
            if (hll != null) {
                hll.add(h);
            } else if (!counter.add(c.chars, c.off, c.len, h)) {
                hll = new Hll();
                counter.handOver(hll);
                hll.add(h);
            }
        }
        if (lengths) {
            minLen = Math.min(minLen, c.len);
            maxLen = Math.max(maxLen, c.len);
        }
    }

    ColumnStats result() {
        Map<String, Long> frequent = null;
        Long distinct = null;
        Boolean high = null;
        if (counter != null) {
            if (hll != null) {
                high = true;
                distinct = round(hll.estimate(), 2);
            } else {
                frequent = frequent(counter.entries());
                distinct = round(counter.size(), 2);
            }
        }
        Double mean = null, sd = null;
        if (moments && n >= ColumnStats.K) {
            double m = sum / n;
            mean = round3(shift + m);
            sd = round3(Math.sqrt(Math.max(0, (sumSq - sum * m) / (n - 1))));
        }
        ColumnStats.LengthRange length = null;
        if (lengths && n >= ColumnStats.K) {
            length = new ColumnStats.LengthRange(Integer.highestOneBit(Math.max(1, minLen)), ceilPow2(maxLen));
        }
        return new ColumnStats(nulls, frequent, distinct, high, mean, sd, length);
    }

    private static Map<String, Long> frequent(Map<String, Long> all) {
        List<Map.Entry<String, Long>> kept = new ArrayList<>();
        for (var e : all.entrySet()) if (e.getValue() >= ColumnStats.K) kept.add(e);
        kept.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        Map<String, Long> out = new LinkedHashMap<>();
        for (var e : kept.subList(0, Math.min(kept.size(), MAX_FREQUENT))) out.put(e.getKey(), e.getValue());
        return out;
    }

    private static int ceilPow2(int v) {
        return v <= 1 ? 1 : Integer.highestOneBit(v - 1) << 1;
    }

    static long round(long v, int digits) {
        return v == 0 ? 0 : new BigDecimal(v).round(new MathContext(digits)).longValue();
    }

    static double round3(double v) {
        if (v == 0 || !Double.isFinite(v)) return 0;
        return new BigDecimal(v).round(new MathContext(3)).doubleValue();
    }
}
