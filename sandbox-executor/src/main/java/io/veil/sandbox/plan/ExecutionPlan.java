package io.veil.sandbox.plan;

import io.veil.sandbox.privacy.EnforcementSpec;
import java.util.List;

/**
 * What the worker runs: trusted SQL over internal table names, and the spec its result is enforced with.
 *
 * @param sql    the rewritten query (reads only {@code inputs} by their internal names)
 * @param inputs datasets to load, with their internal names
 * @param spec   passed to {@code OutputEnforcer.enforce(result, spec.toJson())}
 */
public record ExecutionPlan(String sql, List<TableInput> inputs, EnforcementSpec spec) {
    public ExecutionPlan {
        inputs = List.copyOf(inputs);
    }
}
