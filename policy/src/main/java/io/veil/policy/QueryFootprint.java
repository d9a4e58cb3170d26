package io.veil.policy;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a job touches, produced by the analyzer: datasets, every column use, and query features such as
 * "LIMIT", "ORDER_BY", "DISTINCT", "HAVING" (see {@link PolicyEngine#KNOWN_FEATURES}; others are denied).
 */
public record QueryFootprint(JobType jobType, Set<String> datasetIds, List<ColumnUse> uses, Set<String> features) {
    public QueryFootprint {
        datasetIds = Set.copyOf(datasetIds);
        uses = List.copyOf(uses);
        features = Set.copyOf(features);
    }

    /**
     * The part of a multi-contract job that one contract covers: only these datasets and their column
     * uses; job type and features are kept, since they constrain the whole query.
     */
    public QueryFootprint restrictedTo(Set<String> ids) {
        return new QueryFootprint(jobType, datasetIds.stream().filter(ids::contains).collect(Collectors.toSet()),
                uses.stream().filter(u -> ids.contains(u.datasetId())).toList(), features);
    }
}
