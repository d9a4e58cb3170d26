package io.veil.gateway.ingest;

import io.veil.policy.ColumnRole;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Synthetic preview rows generated only from the schema and the safe statistics: dimension values
 * come from the frequent (≥ k rows) values, numbers from the rounded mean and deviation, and
 * identifiers, quasi-identifiers, join keys and sensitive columns are always made up.
 */
public final class SyntheticPreview {
    private SyntheticPreview() {}

    public static List<Map<String, Object>> generate(List<ColumnInfo> schema, Map<String, ColumnStats> stats, int rows, long seed) {
        Random r = new Random(seed);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (ColumnInfo c : schema) row.put(c.name(), value(c, stats.get(c.name()), r, i));
            out.add(row);
        }
        return out;
    }

    private static Object value(ColumnInfo c, ColumnStats s, Random r, int i) {
        if (c.role() == ColumnRole.DIMENSION && s != null && s.frequentValues() != null && !s.frequentValues().isEmpty()) {
            return typed(c.type(), weighted(s.frequentValues(), r));
        }
        if ((c.role() == ColumnRole.METRIC || c.role() == ColumnRole.DIMENSION) && s != null && s.mean() != null) {
            double v = Stats.round3(s.mean() + r.nextGaussian() * s.stddev());
            return c.type().equals("BIGINT") ? (Object) Math.round(v) : (Object) v;
        }
        return synthetic(c, r, i);
    }

    private static Object synthetic(ColumnInfo c, Random r, int i) {
        return switch (c.type()) {
            case "BIGINT" -> (long) r.nextInt(1000);
            case "DOUBLE" -> Stats.round3(r.nextDouble() * 1000);
            case "BOOLEAN" -> r.nextBoolean();
            case "DATE" -> LocalDate.of(1950, 1, 1).plusDays(r.nextInt(20_000)).toString();
            default -> "synthetic-" + c.name() + "-" + String.format("%04d", i + 1);
        };
    }

    private static String weighted(Map<String, Long> freq, Random r) {
        long total = freq.values().stream().mapToLong(Long::longValue).sum();
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
