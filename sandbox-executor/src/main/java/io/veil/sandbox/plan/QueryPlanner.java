package io.veil.sandbox.plan;

import io.veil.sandbox.analysis.AnalyzedQuery;
import io.veil.sandbox.analysis.DuckDbParser;
import java.util.Map;

/**
 * Turns an accepted, policy-approved query into the SQL the worker runs and the spec its result is
 * enforced with (DESIGN.md "Jobs", step 3). Thread-safe: each call borrows its own parser connection.
 */
public final class QueryPlanner {
    /** δ of DP partition selection: the chance a group made of one entity's rows is released. */
    public static final double DELTA = 1e-6;

    /**
     * @param q             an accepted query
     * @param rules         protection per dataset id; every dataset of the query must have an entry
     * @param maxOutputRows hard cap on released rows
     */
    public PlanResult plan(AnalyzedQuery q, Map<String, DatasetRules> rules, int maxOutputRows) {
        try (DuckDbParser parser = new DuckDbParser()) {
            return new PlanResult.Planned(new Rewriter(parser, q, rules, maxOutputRows).build());
        } catch (PlanReject r) {
            return new PlanResult.Rejected(r.code, r.getMessage());
        }
    }
}
