package io.veil.sandbox.privacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * What the output enforcer must do to a raw result, decided by the planner outside the worker and
 * carried into it as JSON. The raw result's columns are {@code outputs} in order, then
 * {@code hiddenColumns}; the enforcer refuses a table with any other layout.
 *
 * @param version        format version (1)
 * @param minEntities    k: a row is released only if every protected table has at least k distinct
 *                       entities behind it (most restrictive across tables)
 * @param grouped        the query has GROUP BY; a DP grouped query also needs partition selection
 * @param maxOutputRows  hard cap on released rows; exceeding it sets {@code truncated}
 * @param limit          the consumer's LIMIT, applied after suppression (null: none)
 * @param distinct       SELECT DISTINCT, applied after hidden columns are removed
 * @param outputs        the visible columns and how each is treated
 * @param entityCounts   the hidden COUNT(DISTINCT entity) columns, one per protected table occurrence
 * @param hiddenColumns  every hidden column in raw order (entity counts, AVG denominators)
 * @param dp             differential-privacy parameters, or null when no dataset asks for DP
 */
public record EnforcementSpec(int version, int minEntities, boolean grouped, int maxOutputRows, Long limit,
                              boolean distinct, List<Output> outputs, List<EntityCount> entityCounts,
                              List<String> hiddenColumns, Dp dp) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    public EnforcementSpec {
        outputs = List.copyOf(outputs);
        entityCounts = List.copyOf(entityCounts);
        hiddenColumns = List.copyOf(hiddenColumns);
        if (version != 1 || minEntities < 0 || maxOutputRows < 0 || (limit != null && limit < 0)) {
            throw new IllegalArgumentException("invalid enforcement spec");
        }
    }

    public enum Treatment { PLAIN, COUNT, SUM, AVG }

    /**
     * @param name             visible column name
     * @param treatment        PLAIN (group key or non-DP value), or the DP mechanism for an aggregate
     * @param sensitivity      L1 sensitivity of the column (COUNT/SUM, and AVG's numerator)
     * @param countColumn      AVG only: the hidden column holding the denominator
     * @param countSensitivity AVG only: sensitivity of the denominator
     * @param lo               SUM/AVG: lower contribution bound (AVG results are clamped to it)
     * @param hi               SUM/AVG: upper contribution bound
     */
    public record Output(String name, Treatment treatment, double sensitivity, String countColumn,
                         double countSensitivity, double lo, double hi) {
        public static Output plain(String name) {
            return new Output(name, Treatment.PLAIN, 0, null, 0, 0, 0);
        }
    }

    /**
     * @param column      hidden column name
     * @param noisy       compare a noisy count (the DP table) rather than the exact one
     * @param sensitivity L1 sensitivity of the count when noisy
     */
    public record EntityCount(String column, boolean noisy, double sensitivity) {
    }

    /**
     * @param epsilon               ε charged for one run of the query
     * @param epsilonPerMeasurement ε / number of noisy measurements (sequential composition)
     * @param delta                 δ of partition selection
     * @param maxRowsPerEntity      contribution bound the SQL enforces
     * @param partitionThreshold    τ added to k for grouped queries (see docs/privacy.md)
     * @param microEpsilon          ε × 10^6 as charged to the budget
     */
    public record Dp(double epsilon, double epsilonPerMeasurement, double delta, int maxRowsPerEntity,
                     long partitionThreshold, long microEpsilon) {
    }

    public JsonNode toJson() {
        return JSON.valueToTree(this);
    }

    public String toJsonString() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the enforcement spec");
        }
    }

    /** Strict: unknown fields or missing numbers reject the spec rather than default to "no protection". */
    public static EnforcementSpec fromJson(JsonNode json) {
        try {
            return JSON.treeToValue(json, EnforcementSpec.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid enforcement spec");
        }
    }
}
