package io.veil.sandbox.plan;

import java.util.Map;

/**
 * The protection a contract puts on one dataset, as the planner needs it.
 *
 * @param entityColumn the ENTITY_ID column; null means the dataset is not about people or businesses
 *                     (e.g. public reference data) and gets no threshold
 * @param minEntities  k: minimum distinct entities behind every released row
 * @param dp           differential privacy, or null
 * @param oneRowPerEntity true only if ingest proved {@code entityColumn} non-null and unique per row
 *                     of this version (ADR 0015); false when not, or unknown — then entities are
 *                     always counted with COUNT(DISTINCT)
 */
public record DatasetRules(String entityColumn, int minEntities, Privacy dp, boolean oneRowPerEntity) {
    /** Rules with entity uniqueness unknown (the fail-closed default). */
    public DatasetRules(String entityColumn, int minEntities, Privacy dp) {
        this(entityColumn, minEntities, dp, false);
    }

    /**
     * @param epsilonPerQuery    ε charged per run
     * @param contributionBounds per METRIC column name: {lo, hi}, the clamp for SUM/AVG arguments
     * @param maxRowsPerEntity   rows one entity may contribute after filtering and joins
     */
    public record Privacy(double epsilonPerQuery, Map<String, double[]> contributionBounds, int maxRowsPerEntity) {
        public Privacy {
            contributionBounds = Map.copyOf(contributionBounds);
        }
    }
}
