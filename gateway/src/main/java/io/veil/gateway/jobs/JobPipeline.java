package io.veil.gateway.jobs;

import io.veil.policy.ApprovalMode;
import io.veil.policy.Decision;
import io.veil.policy.Offer;
import io.veil.policy.PolicyEngine;
import io.veil.policy.QueryFootprint;
import io.veil.policy.ZoneTier;
import io.veil.sandbox.analysis.AnalysisResult;
import io.veil.sandbox.analysis.AnalyzedQuery;
import io.veil.sandbox.analysis.SqlAnalyzer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Drives a job through analyse → (approval) → run → check → release. Analysis and the policy
 * decision happen before any data is touched; execution and enforcement happen in the sandbox
 * ({@link JobExecution}). Every transition and its ledger event commit together.
 */
@Component
public class JobPipeline {
    private static final Logger log = LoggerFactory.getLogger(JobPipeline.class);
    private final JobStore jobs;
    private final JobContracts contracts;
    private final TableCatalog catalog;
    private final JobTransitions transitions;
    private final JobExecution execution;
    private final io.veil.gateway.federation.ZoneDirectory zones;
    private final JobTimings timings;
    private final SqlAnalyzer analyzer = new SqlAnalyzer();
    private final PolicyEngine engine = new PolicyEngine();
    // Jobs run one at a time per node by default: a sandbox worker already uses the machine's cores.
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "veil-jobs");
        t.setDaemon(true);
        return t;
    });

    JobPipeline(JobStore jobs, JobContracts contracts, TableCatalog catalog, JobTransitions transitions, JobExecution execution,
                io.veil.gateway.federation.ZoneDirectory zones, JobTimings timings) {
        this.zones = zones;
        this.timings = timings;
        this.jobs = jobs;
        this.contracts = contracts;
        this.catalog = catalog;
        this.transitions = transitions;
        this.execution = execution;
    }

    /** Crash recovery: queued jobs are analysed again; a job interrupted while running fails (its reservation is refunded). */
    @EventListener(ApplicationReadyEvent.class)
    void recover() {
        for (Job j : jobs.byStatus(JobStatus.RUNNING)) {
            execution.abandon(j);
            move(j, JobStatus.RUNNING, JobStatus.FAILED, List.of(new Job.Reason("NODE_RESTARTED", "the node restarted while the job ran")), Map.of());
        }
        jobs.byStatus(JobStatus.SUBMITTED).forEach(j -> enqueue(j.id()));
        jobs.byStatus(JobStatus.ANALYSED).forEach(j -> executor.submit(() -> safely(j.id(), () -> execute(jobs.find(j.id()).orElseThrow()))));
    }

    void enqueue(String jobId) {
        executor.submit(() -> safely(jobId, () -> analyse(jobId)));
    }

    private void safely(String jobId, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.error("job {} failed unexpectedly: {}", jobId, e.getClass().getName());
            jobs.find(jobId).filter(j -> !j.status().terminal() && j.status().next().contains(JobStatus.FAILED)).ifPresent(j -> {
                execution.abandon(j);
                move(j, j.status(), JobStatus.FAILED, List.of(new Job.Reason("INTERNAL_ERROR", "internal error")), Map.of());
            });
        }
    }

    private void analyse(String jobId) {
        Job job = jobs.find(jobId).orElseThrow();
        if (job.status() != JobStatus.SUBMITTED) return;
        List<JobContracts.Bound> bound = job.contractIds().stream().map(id -> contracts.find(id).orElseThrow()).toList();
        Checked checked = check(bound, job.consumerOrg(), job.sql());
        if (!checked.reasons().isEmpty()) {
            reject(job, JobStatus.SUBMITTED, checked.reasons());
            return;
        }
        Map<String, TableCatalog.Bound> tables = checked.tables();
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("inputVersionCommitments", tables.values().stream().map(t -> inputVersion(t.dataset().id(), t.version())).toList());
        move(job, JobStatus.SUBMITTED, JobStatus.ANALYSED, List.of(), attrs);
        boolean approval = bound.stream().anyMatch(b -> b.offer().approval() == ApprovalMode.PROVIDER_APPROVES_JOB);
        Job analysed = jobs.find(jobId).orElseThrow();
        if (approval) {
            move(analysed, JobStatus.ANALYSED, JobStatus.AWAITING_APPROVAL, List.of(new Job.Reason("AWAITING_PROVIDER_APPROVAL",
                    "the provider approves each job under this offer")), Map.of());
        } else {
            // Runs at once on this thread: the tables just bound and the query just analysed are current.
            execute(analysed, checked);
        }
    }

    /** {@code id:version:contentCommitment}, or {@code id:version} for a version stored before commitments (V9). */
    static String inputVersion(String datasetId, io.veil.gateway.datasets.DatasetVersion v) {
        return datasetId + ":" + v.version() + (v.contentCommitment() == null ? "" : ":" + v.contentCommitment());
    }

    /** @param query the analysed query (null when analysis rejected it) */
    record Checked(List<Job.Reason> reasons, Map<String, TableCatalog.Bound> tables, AnalyzedQuery query) {}

    /** Analysis and the policy decision for a query under contracts: the reasons it would be rejected (none: it may run). */
    Checked check(List<JobContracts.Bound> bound, String consumerOrg, String sql) {
        List<String> datasetIds = bound.stream().flatMap(b -> b.offer().datasetIds().stream()).distinct().toList();
        Map<String, TableCatalog.Bound> tables = catalog.bind(datasetIds);
        AnalysisResult result = analyzer.analyze(sql, TableCatalog.sqlNames(tables));
        if (result instanceof AnalysisResult.Rejected r) return new Checked(List.of(new Job.Reason(r.code(), r.message())), tables, null);
        AnalyzedQuery query = ((AnalysisResult.Accepted) result).query();
        QueryFootprint footprint = query.footprint();
        List<Job.Reason> reasons = new ArrayList<>();
        Set<String> covered = new LinkedHashSet<>();
        var roles = TableCatalog.roles(tables);
        for (JobContracts.Bound b : bound) {
            Set<String> mine = new LinkedHashSet<>(b.offer().datasetIds());
            mine.retainAll(footprint.datasetIds());
            if (mine.isEmpty()) {
                reasons.add(new Job.Reason("CONTRACT_UNUSED", "contract " + b.contract().id() + " covers no table the query reads"));
                continue;
            }
            covered.addAll(mine);
            Decision d = engine.evaluate(b.contract(), b.offer(), roles, footprint.restrictedTo(mine), consumerOrg,
                    tierOf(consumerOrg), Instant.now(), b.jobsUsed());
            d.reasons().forEach(r -> reasons.add(new Job.Reason(r.code(), r.message())));
        }
        if (!covered.containsAll(footprint.datasetIds())) {
            reasons.add(new Job.Reason("DATASET_NOT_IN_CONTRACT", "the query reads a dataset none of the job's contracts covers"));
        }
        return new Checked(reasons, tables, query);
    }

    /**
     * A peer zone's organisation ({@code org@zone}, the part of a cross-zone job) is judged by the tier
     * this operator configured for that zone, never one the peer claims (ADR 0012); an unknown zone has
     * no tier and fails the offer's tier check. Local organisations keep the SOCIAL tier as before.
     */
    private ZoneTier tierOf(String consumerOrg) {
        int at = consumerOrg.indexOf('@');
        if (at < 0) return ZoneTier.SOCIAL;
        return zones.trusted(consumerOrg.substring(at + 1)).flatMap(z -> ZoneTier.parse(z.tier())).orElse(null);
    }

    private void execute(Job job) {
        execute(job, null);
    }

    /** @param checked this job's fresh analysis and bound tables, or null to have them made again (e.g. after approval) */
    private void execute(Job job, Checked checked) {
        JobExecution.Outcome out = checked == null ? execution.run(job) : execution.run(job, checked.tables(), checked.query());
        Job current = jobs.find(job.id()).orElseThrow();
        if (current.status().terminal()) return; // cancelled meanwhile; execution already refunded
        if (out instanceof JobExecution.Outcome.Refused r) {
            reject(current, current.status(), r.reasons());
        } else if (out instanceof JobExecution.Outcome.Failed f) {
            move(current, current.status(), JobStatus.FAILED, f.reasons(), Map.of());
        } else if (out instanceof JobExecution.Outcome.Checked c && !c.awaitReview()) {
            release(jobs.find(job.id()).orElseThrow(), checked == null);
        }
    }

    void approve(Job j, String providerOrg, boolean approve) {
        if (!approve) {
            reject(j, JobStatus.AWAITING_APPROVAL, List.of(new Job.Reason("PROVIDER_REJECTED_JOB", "the provider rejected the job")));
            return;
        }
        transitions.record(j, "JobApproved", Map.of("provider", providerOrg));
        executor.submit(() -> safely(j.id(), () -> execute(jobs.find(j.id()).orElseThrow())));
    }

    boolean awaitsReview(Job j) {
        return j.contractIds().stream().map(contracts::find)
                .anyMatch(b -> b.isPresent() && b.get().offer().approval() == ApprovalMode.PROVIDER_REVIEWS_RESULT);
    }

    void review(Job j, String providerOrg, boolean approve) {
        transitions.record(j, "ResultReviewed", Map.of("provider", providerOrg, "approved", approve));
        if (approve) release(j, true);
        else reject(j, JobStatus.CHECKED, List.of(new Job.Reason("PROVIDER_REJECTED_RESULT", "the provider withheld the result")));
    }

    void cancel(Job j, List<Job.Reason> reasons) {
        if (j.status() == JobStatus.RUNNING) execution.cancel(j.id());
        execution.abandon(j);
        move(j, j.status(), JobStatus.CANCELLED, reasons, Map.of());
    }

    /**
     * The first moment anything about the result is recorded: its commitment and row count go into the
     * job row and the ResultReleased event together (ADR 0021).
     *
     * @param waited the job did not run straight through: approval, review or a restart (for {@link JobTimings})
     */
    private void release(Job j, boolean waited) {
        JobExecution.Release r = execution.release(j);
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("resultCommitment", r.resultCommitment());
        attrs.put("rowsReleased", r.rowsReleased());
        if (j.usageJson() != null) attrs.put("usage", j.usageJson());
        // Timed inside the transition's transaction, so that anyone who can see RELEASED also sees it timed
        // (a commit that then fails would leave one release too many in the metric, never a missing one).
        transitions.move(j, JobStatus.CHECKED, JobStatus.RELEASED, List.of(), attrs, v -> {
            jobs.setResultCommitment(j.id(), r.resultCommitment());
            timings.released(j, waited);
        });
    }

    private void reject(Job j, JobStatus from, List<Job.Reason> reasons) {
        transitions.reject(j, from, reasons);
    }

    private boolean move(Job j, JobStatus from, JobStatus to, List<Job.Reason> reasons, Map<String, Object> attrs) {
        return transitions.move(j, from, to, reasons, attrs);
    }
}
