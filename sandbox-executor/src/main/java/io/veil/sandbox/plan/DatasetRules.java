package io.veil.sandbox.plan;

import java.util.Map;
import java.util.Set;

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
 * @param nonNullColumns columns ingest proved to hold no NULL in this version: an aggregate over one of
 *                     them (without FILTER) reads every row of its group and needs no support count of
 *                     its own; unknown columns are assumed nullable (docs/privacy.md §4)
 */
public record DatasetRules(String entityColumn, int minEntities, Privacy dp, boolean oneRowPerEntity, Set<String> nonNullColumns) {
    public DatasetRules {
        nonNullColumns = nonNullColumns == null ? Set.of() : Set.copyOf(nonNullColumns);
    }

    /** Rules with entity uniqueness and column nullness unknown (the fail-closed default). */
    public DatasetRules(String entityColumn, int minEntities, Privacy dp) {
        this(entityColumn, minEntities, dp, false, Set.of());
    }

    /** Rules with column nullness unknown. */
    public DatasetRules(String entityColumn, int minEntities, Privacy dp, boolean oneRowPerEntity) {
        this(entityColumn, minEntities, dp, oneRowPerEntity, Set.of());
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
