package io.veil.gateway.jobs;

import io.veil.sandbox.analysis.ColumnSchema;
import io.veil.sandbox.plan.EmptyRelease;
import io.veil.sandbox.plan.ExecutionPlan;
import io.veil.sandbox.worker.WorkerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Under differential privacy success or failure must not be a bit outside the mechanism (docs/privacy.md
 * §4): a run that fails in the sandbox for a reason that can depend on the data — a resource limit or a
 * crash (total evaluation leaves no value-dependent error) — is released like a success, as the empty
 * answer of {@link EmptyRelease}, with quota and ε charged as for a success. Failures that cannot depend
 * on the data stay failures: no sandbox on the node, or an input that fails authentication (never
 * release anything computed next to tampered storage). The operator sees the real cause in the log.
 */
final class DpFailures {
    private static final Logger log = LoggerFactory.getLogger(DpFailures.class);
    private static final Set<String> DATA_DEPENDENT = Set.of(WorkerResponse.TIMEOUT, WorkerResponse.MEMORY,
            WorkerResponse.QUERY_FAILED, WorkerResponse.CRASHED);

    private DpFailures() {}

    /** Whether a worker failure with {@code code} is released as an empty answer under these contracts. */
    static boolean masks(String code, List<JobContracts.Bound> bound) {
        return DATA_DEPENDENT.contains(code) && bound.stream().anyMatch(b -> b.offer().privacy().isPresent());
    }

    /** The release that stands in for a failed run: no rows, a success's columns and types, the inputs' row counts. */
    static WorkerClient.Result.Ok release(String jobId, String code, ExecutionPlan plan, Map<String, TableCatalog.Bound> tables,
                                         long wallNanos) {
        log.warn("job {}: differentially private run failed in the sandbox ({}); released as the empty answer", jobId, code);
        Map<String, List<ColumnSchema>> schemas = new HashMap<>();
        long rows = 0;
        for (String d : plan.inputs().stream().map(i -> i.datasetId()).distinct().toList()) {
            TableCatalog.Bound t = tables.get(d);
            schemas.put(d, t.binding().columns());
            rows += t.version().rowCount();
        }
        return new WorkerClient.Result.Ok(EmptyRelease.of(plan, schemas), rows, wallNanos / 1_000_000, null);
    }
}
