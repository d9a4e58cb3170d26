package io.veil.gateway.ingest;

import io.veil.policy.ColumnRole;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Collects per-column statistics during ingest and reduces them to {@link ColumnStats} that identify nobody. */
final class Stats {
    private static final int MAX_TRACKED = 10_000;
    private final ColumnInfo column;
    private long nulls;
    private long n;
    private double sum;
    private double sumSq;
    private Map<String, Long> counts;

    Stats(ColumnInfo column) {
        this.column = column;
        if (column.role() == ColumnRole.DIMENSION) counts = new HashMap<>();
    }

    void add(String normalized) {
        if (normalized.isEmpty()) {
            nulls++;
            return;
        }
        boolean numeric = column.type().equals("BIGINT") || column.type().equals("DOUBLE");
        if (numeric && (column.role() == ColumnRole.METRIC || column.role() == ColumnRole.DIMENSION)) {
            double d = Double.parseDouble(normalized);
            n++;
            sum += d;
            sumSq += d * d;
        }
        if (counts != null) {
            Long c = counts.get(normalized);
            if (c != null) counts.put(normalized, c + 1);
            else if (counts.size() < MAX_TRACKED) counts.put(normalized, 1L);
            else counts = null; // too many distinct values to summarise safely: stop tracking
        }
    }

    ColumnStats result() {
        Map<String, Long> frequent = null;
        Integer distinct = null;
        Boolean high = null;
        if (column.role() == ColumnRole.DIMENSION) {
            if (counts == null) {
                high = true;
            } else {
                frequent = new TreeMap<>();
                for (var e : counts.entrySet()) if (e.getValue() >= ColumnStats.K) frequent.put(e.getKey(), e.getValue());
                distinct = counts.size();
            }
        }
        Double mean = null, sd = null;
        if (n >= ColumnStats.K) {
            double m = sum / n;
            mean = round3(m);
            sd = round3(Math.sqrt(Math.max(0, sumSq / n - m * m)));
        }
        return new ColumnStats(nulls, frequent == null ? null : new LinkedHashMap<>(frequent), distinct, high, mean, sd);
    }

    static double round3(double v) {
        if (v == 0 || !Double.isFinite(v)) return 0;
        return new BigDecimal(v).round(new MathContext(3)).doubleValue();
    }
}
