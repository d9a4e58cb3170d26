package io.veil.sandbox.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.sandbox.ResultTable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Applies an enforcement spec (thresholds, DP noise, row cap) to a raw result inside the worker. */
public final class OutputEnforcer {
    private OutputEnforcer() {}

    /**
     * @param raw  the rewritten query's raw result (includes the hidden per-table distinct-entity count columns)
     * @param spec the JSON form of an EnforcementSpec produced by the planner
     * @return the releasable table (hidden columns removed)
     */
    public static EnforcedResult enforce(ResultTable raw, JsonNode spec) {
        return enforce(raw, EnforcementSpec.fromJson(spec), new SecureNoise());
    }

    /** As {@link #enforce(ResultTable, JsonNode)}, with the noise source given (tests). */
    public static EnforcedResult enforce(ResultTable raw, EnforcementSpec spec, SecureNoise noise) {
        checkLayout(raw, spec);
        try {
            return new Run(raw, spec, noise).apply();
        } catch (ArithmeticException | ClassCastException | NullPointerException e) {
            // No cause attached: exception messages could quote a value.
            throw new IllegalStateException("the result could not be enforced");
        }
    }

    /** The enforced table and what enforcement did (counts only, never values). */
    public record EnforcedResult(ResultTable table, int rowsSuppressed, boolean truncated, long microEpsilonSpent) {}

    private static void checkLayout(ResultTable raw, EnforcementSpec spec) {
        List<String> expected = new ArrayList<>();
        spec.outputs().forEach(o -> expected.add(o.name()));
        expected.addAll(spec.hiddenColumns());
        boolean countsKnown = spec.entityCounts().stream().allMatch(e -> spec.hiddenColumns().contains(e.column()));
        if (!raw.columns().equals(expected) || !countsKnown) {
            throw new IllegalStateException("the result does not match its enforcement spec");
        }
    }

    private static final class Run {
        private final ResultTable raw;
        private final EnforcementSpec spec;
        private final SecureNoise noise;
        private final Map<String, Integer> index;

        Run(ResultTable raw, EnforcementSpec spec, SecureNoise noise) {
            this.raw = raw;
            this.spec = spec;
            this.noise = noise;
            this.index = IntStream.range(0, raw.columns().size()).boxed()
                    .collect(Collectors.toMap(raw.columns()::get, Function.identity(), (a, b) -> a));
        }

        EnforcedResult apply() {
            int suppressed = 0;
            List<List<Object>> rows = new ArrayList<>();
            for (List<Object> row : raw.rows()) {
                if (!released(row)) {
                    suppressed++;
                    continue;
                }
                rows.add(visible(row));
            }
            if (spec.distinct()) {
                rows = new ArrayList<>(new LinkedHashSet<>(rows));
            }
            if (spec.limit() != null && rows.size() > spec.limit()) {
                rows = new ArrayList<>(rows.subList(0, spec.limit().intValue()));
            }
            boolean truncated = rows.size() > spec.maxOutputRows();
            if (truncated) {
                rows = new ArrayList<>(rows.subList(0, spec.maxOutputRows()));
            }
            long micro = spec.dp() == null ? 0 : spec.dp().microEpsilon();
            return new EnforcedResult(new ResultTable(names(), types(), rows), suppressed, truncated, micro);
        }

        /**
         * Every protected table must have at least k entities behind the row. Under DP the DP table's
         * count is noisy and, for grouped queries, must also clear τ, so that a group made of one
         * person's rows appears with probability at most δ.
         */
        private boolean released(List<Object> row) {
            for (EnforcementSpec.EntityCount ec : spec.entityCounts()) {
                long k = asLong(row.get(index.get(ec.column())));
                long threshold = spec.minEntities();
                if (ec.noisy()) {
                    k += noise.discreteLaplace(ec.sensitivity() / spec.dp().epsilonPerMeasurement());
                    threshold = Math.max(threshold, 1) + (spec.grouped() ? spec.dp().partitionThreshold() : 0);
                }
                if (k < threshold) {
                    return false;
                }
            }
            return true;
        }

        private List<Object> visible(List<Object> row) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < spec.outputs().size(); i++) {
                EnforcementSpec.Output o = spec.outputs().get(i);
                Object v = row.get(i);
                out.add(switch (o.treatment()) {
                    case PLAIN -> finiteOrNull(v);
                    case COUNT -> Math.max(0, asLong(v) + noise.discreteLaplace(scale(o.sensitivity())));
                    case SUM -> noise.addNoise(asDouble(v), scale(o.sensitivity()));
                    case AVG -> {
                        double sum = noise.addNoise(asDouble(v), scale(o.sensitivity()));
                        long n = asLong(row.get(index.get(o.countColumn())))
                                + noise.discreteLaplace(scale(o.countSensitivity()));
                        yield Math.min(o.hi(), Math.max(o.lo(), sum / Math.max(1, n)));
                    }
                });
            }
            return out;
        }

        private double scale(double sensitivity) {
            return sensitivity / spec.dp().epsilonPerMeasurement();
        }

        private List<String> names() {
            return spec.outputs().stream().map(EnforcementSpec.Output::name).toList();
        }

        private List<String> types() {
            List<String> types = new ArrayList<>();
            for (int i = 0; i < spec.outputs().size(); i++) {
                types.add(switch (spec.outputs().get(i).treatment()) {
                    case PLAIN -> raw.types().get(i);
                    case COUNT -> "BIGINT";
                    case SUM, AVG -> "DOUBLE";
                });
            }
            return types;
        }
    }

    /**
     * ±inf and NaN are never released: they arise only from a division by (or an overflow to) an
     * extreme value, so releasing them would act as an equality or range test on it.
     */
    static Object finiteOrNull(Object v) {
        return v instanceof Double d && !Double.isFinite(d) || v instanceof Float f && !Float.isFinite(f) ? null : v;
    }

    /** Counts arrive as Long (BIGINT) or wider types; null (no rows) counts as zero. */
    static long asLong(Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof BigInteger b) {
            return b.longValueExact();
        }
        if (v instanceof BigDecimal d) {
            return d.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
        }
        return ((Number) v).longValue();
    }

    static double asDouble(Object v) {
        return v == null ? 0.0 : ((Number) v).doubleValue();
    }
}
