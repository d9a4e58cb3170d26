package io.veil.gateway.ingest;

import io.veil.policy.ColumnRole;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Synthetic preview rows generated from the schema and the <em>published</em> statistics only — the
 * real rows and the stored noisy counts are never an input, so a preview reveals nothing a catalog
 * reader does not already see: DIMENSION values come from the published values (those reaching the
 * threshold) weighted by their published entity counts; everything else — metrics, identifiers,
 * quasi-identifiers, join keys, sensitive columns, and dimensions without published values — is made up.
 */
public final class SyntheticPreview {
    private static final LocalDate EPOCH = LocalDate.of(1970, 1, 1);

    private SyntheticPreview() {}

    public static List<Map<String, Object>> generate(List<ColumnInfo> schema, PublishedStatistics published, int rows, long seed) {
        Map<String, ColumnStats> stats = published.columns();
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
        if (c.role() == ColumnRole.DIMENSION && s != null && s.values() != null && !s.values().isEmpty()) {
            return typed(c.type(), weighted(s.values(), r));
        }
        return synthetic(c, r, i);
    }

    private static Object synthetic(ColumnInfo c, SplittableRandom r, int i) {
        return switch (c.type()) {
            case "BIGINT" -> c.role() == ColumnRole.DIMENSION || c.role() == ColumnRole.METRIC ? (long) r.nextInt(100) : 900_000_000L + i;
            case "DOUBLE" -> r.nextInt(10_000) / 100.0;
            case "BOOLEAN" -> r.nextBoolean();
            case "DATE" -> EPOCH.plusDays(r.nextInt(365 * 30)).toString(); // fixed 1970–1999 range, unrelated to the data
            default -> c.role() == ColumnRole.DIMENSION
                    ? c.name() + "_" + (1 + r.nextInt(5))
                    : "synthetic-" + String.format("%04d", i + 1);
        };
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
