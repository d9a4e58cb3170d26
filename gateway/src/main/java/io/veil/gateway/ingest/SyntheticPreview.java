package io.veil.gateway.ingest;

import io.veil.policy.ColumnRole;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Synthetic preview rows generated from the schema and the safe statistics only — the real rows
 * are never an input, so a preview can reveal nothing beyond the statistics: DIMENSION values
 * come from the frequent (≥ k rows) values weighted by count, numbers from the rounded mean and
 * deviation, and identifiers, quasi-identifiers, join keys and sensitive columns are always made up.
 */
public final class SyntheticPreview {
    private static final LocalDate EPOCH = LocalDate.of(1970, 1, 1);

    private SyntheticPreview() {}

    public static List<Map<String, Object>> generate(List<ColumnInfo> schema, Map<String, ColumnStats> stats, int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Map<String, Object>> out = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (ColumnInfo c : schema) row.put(c.name(), value(c, stats.get(c.name()), r, i));
            out.add(row);
        }
        return out;
    }

    private static Object value(ColumnInfo c, ColumnStats s, SplittableRandom r, int i) {
        boolean published = c.role() == ColumnRole.DIMENSION || c.role() == ColumnRole.METRIC;
        if (published && s != null && c.role() == ColumnRole.DIMENSION && s.frequentValues() != null && !s.frequentValues().isEmpty()) {
            return typed(c.type(), weighted(s.frequentValues(), r));
        }
        if (published && s != null && s.mean() != null && s.stddev() != null) {
            double v = StatsCollector.round3(s.mean() + gaussian(r) * s.stddev());
            return c.type().equals("BIGINT") ? (Object) Math.round(v) : (Object) v;
        }
        return synthetic(c, r, i);
    }

    private static Object synthetic(ColumnInfo c, SplittableRandom r, int i) {
        return switch (c.type()) {
            case "BIGINT" -> c.role() == ColumnRole.DIMENSION || c.role() == ColumnRole.METRIC ? (long) r.nextInt(100) : 900_000_000L + i;
            case "DOUBLE" -> StatsCollector.round3(r.nextDouble() * 100);
            case "BOOLEAN" -> r.nextBoolean();
            case "DATE" -> EPOCH.plusDays(r.nextInt(365 * 30)).toString(); // fixed 1970–1999 range, unrelated to the data
            default -> c.role() == ColumnRole.DIMENSION
                    ? c.name() + "_" + (1 + r.nextInt(5))
                    : "synthetic-" + String.format("%04d", i + 1);
        };
    }

    private static double gaussian(SplittableRandom r) {
        // Box–Muller; SplittableRandom has no nextGaussian on Java 17.
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private static String weighted(Map<String, Long> freq, SplittableRandom r) {
        long total = 0;
        for (long v : freq.values()) total += v;
        long pick = (long) (r.nextDouble() * total);
        for (var e : freq.entrySet()) {
            pick -= e.getValue();
            if (pick < 0) return e.getKey();
        }
        return freq.keySet().iterator().next();
    }

    private static Object typed(String type, String v) {
        return switch (type) {
            case "BIGINT" -> Long.parseLong(v);
            case "DOUBLE" -> Double.parseDouble(v);
            case "BOOLEAN" -> Boolean.parseBoolean(v);
            default -> v;
        };
    }
}
