package io.veil.gateway.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A version's catalog statistics as stored ({@code dataset_versions.stats_json}): noisy entity counts,
 * drawn once at ingest. Nothing here is published as is — {@link #publish} applies the dataset's
 * strictest k at read time, so a later, stricter offer takes effect.
 *
 * @param entities noisy distinct entities of the version (null if unknown)
 * @param columns  per column: noisy entities with a NULL, noisy entities per kept value / length band,
 *                 noisy number of distinct values and whether the values could be tracked at all
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoredStatistics(int format, Long entities, Map<String, Column> columns) {
    /** Versions stored before ADR 0020 have no {@code format}: their statistics are exact and never shown. */
    public static final int FORMAT = 2;
    /**
     * Margin above k: a count is published only if noisy ≥ k + MARGIN. With scale-1 discrete Laplace noise a
     * category of fewer than k entities clears it with probability P(X ≥ MARGIN + 1) &lt; 10^-6.
     */
    public static final int MARGIN = 14;
    /** Values published per column at most (the largest noisy counts). */
    static final int MAX_VALUES = 1_000;
    /** A column with this many (noisy) distinct values or more lists none of them. */
    static final long HIGH_CARDINALITY = 8_000;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Column(Long nulls, Map<String, Long> values, Map<String, Long> lengths, Long distinct, Boolean tracked) {}

    /** What a catalog reader may see when the dataset's strictest k is {@code minEntities}. */
    public PublishedStatistics publish(int minEntities) {
        long threshold = (long) minEntities + MARGIN;
        if (format != FORMAT || entities == null || entities < threshold) {
            return new PublishedStatistics(minEntities, threshold, null, Map.of());
        }
        Map<String, ColumnStats> out = new LinkedHashMap<>();
        columns.forEach((name, c) -> {
            boolean high = c.distinct() != null && (!Boolean.TRUE.equals(c.tracked()) || c.distinct() >= HIGH_CARDINALITY);
            out.put(name, new ColumnStats(
                    c.nulls() != null && c.nulls() >= threshold ? coarse(c.nulls()) : null,
                    c.values() == null || high ? null : above(c.values(), threshold),
                    c.distinct() == null ? null : coarse(Math.max(0, c.distinct())),
                    high ? Boolean.TRUE : null,
                    c.lengths() == null ? null : above(c.lengths(), threshold)));
        });
        return new PublishedStatistics(minEntities, threshold, coarse(entities), out);
    }

    private static Map<String, Long> above(Map<String, Long> noisy, long threshold) {
        Map<String, Long> out = new LinkedHashMap<>();
        noisy.entrySet().stream().filter(e -> e.getValue() >= threshold)
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> out.put(e.getKey(), coarse(e.getValue())));
        return out;
    }

    /** Two significant digits: 1234 → 1200, 87 → 87. */
    static long coarse(long v) {
        if (v <= 0) return 0;
        if (v < 100) return v;
        long unit = 1;
        while (v / unit >= 100) unit *= 10;
        return (v + unit / 2) / unit * unit;
    }
}
