package io.veil.policy;

import java.util.Objects;
import java.util.Set;

/**
 * One account in a {@link BudgetStore}. Kinds: "contract" (ε per contract), "dataset-org" (ε per dataset
 * and consumer org, across all that org's contracts, so several contracts cannot multiply a dataset's ε)
 * and "contract-jobs" (job quota per contract, in units of one job).
 */
public record BudgetKey(String kind, String id) {
    public static final String CONTRACT = "contract";
    public static final String DATASET_ORG = "dataset-org";
    public static final String CONTRACT_JOBS = "contract-jobs";
    private static final Set<String> KINDS = Set.of(CONTRACT, DATASET_ORG, CONTRACT_JOBS);

    public BudgetKey {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("unknown budget kind " + Names.quote(kind));
        }
        if (id.isEmpty()) {
            throw new IllegalArgumentException("empty budget id");
        }
    }

    public static BudgetKey contract(String contractId) {
        return new BudgetKey(CONTRACT, contractId);
    }

    public static BudgetKey contractJobs(String contractId) {
        return new BudgetKey(CONTRACT_JOBS, contractId);
    }

    /** Id "dataset/org" with '%' and '/' percent-encoded in each part, so distinct pairs never collide. */
    public static BudgetKey datasetOrg(String datasetId, String org) {
        return new BudgetKey(DATASET_ORG, escape(datasetId) + "/" + escape(org));
    }

    private static String escape(String s) {
        return s.replace("%", "%25").replace("/", "%2F");
    }
}
