package io.veil.gateway.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.crypto.DataKey;
import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.keys.ZoneCommitments;
import io.veil.policy.BudgetKey;
import io.veil.policy.BudgetStore;
import io.veil.policy.ColumnRole;
import io.veil.policy.Offer;
import io.veil.policy.Reservation;
import io.veil.policy.Result;
import io.veil.sandbox.ResultTable;
import io.veil.sandbox.analysis.AnalysisResult;
import io.veil.sandbox.analysis.AnalyzedQuery;
import io.veil.sandbox.analysis.SqlAnalyzer;
import io.veil.sandbox.plan.DatasetRules;
import io.veil.sandbox.plan.ExecutionPlan;
import io.veil.sandbox.plan.PlanResult;
import io.veil.sandbox.plan.QueryPlanner;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs an analysed job: plans it under every contract's rules, reserves quota and ε, executes the
 * plan in the sandbox worker (where the data is decrypted and the output enforced), then commits
 * the charge, the usage record, the sealed result and the CHECKED transition in one transaction.
 * Nothing about the result (no commitment, no row count) is recorded before it is released
 * ({@link #release}, ADR 0021).
 */
@Component
class JobExecution {
    private final JobContracts contracts;
    private final TableCatalog catalog;
    private final JobTransitions transitions;
    private final JobStore jobs;
    private final BudgetStore budgets;
    private final WorkerClient worker;
    private final ZoneKeyStore keys;
    private final ZoneCommitments commitments;
    private final UsageRecorder usage;
    private final ObjectMapper json;
    private final JobTimings timings;
    private final SqlAnalyzer analyzer = new SqlAnalyzer();
    private final QueryPlanner planner = new QueryPlanner();
    private final Map<String, List<Reservation>> held = new ConcurrentHashMap<>();

    JobExecution(JobContracts contracts, TableCatalog catalog, JobTransitions transitions, JobStore jobs, BudgetStore budgets,
                 WorkerClient worker, ZoneKeyStore keys, ZoneCommitments commitments, UsageRecorder usage, ObjectMapper json,
                 JobTimings timings) {
        this.contracts = contracts;
        this.catalog = catalog;
        this.transitions = transitions;
        this.jobs = jobs;
        this.budgets = budgets;
        this.worker = worker;
        this.keys = keys;
        this.commitments = commitments;
        this.usage = usage;
        this.json = json;
        this.timings = timings;
    }

    sealed interface Outcome {
        record Refused(List<Job.Reason> reasons) implements Outcome {}
        record Failed(List<Job.Reason> reasons) implements Outcome {}
        record Checked(boolean awaitReview) implements Outcome {}
    }

    Outcome run(Job job) {
        List<JobContracts.Bound> bound = job.contractIds().stream().map(id -> contracts.find(id).orElseThrow()).toList();
        List<String> datasetIds = bound.stream().flatMap(b -> b.offer().datasetIds().stream()).distinct().toList();
        Map<String, TableCatalog.Bound> tables = catalog.bind(datasetIds);
        // Analysis is deterministic and cheap, so after a wait (approval, perhaps across a restart) it is
        // repeated here rather than trusted from memory.
        AnalysisResult analysed = analyzer.analyze(job.sql(), TableCatalog.sqlNames(tables));
        if (analysed instanceof AnalysisResult.Rejected r) return new Outcome.Refused(List.of(new Job.Reason(r.code(), r.message())));
        return run(job, bound, tables, ((AnalysisResult.Accepted) analysed).query());
    }

    /** Runs a job checked a moment ago on the calling thread, with the tables it was bound to and its analysed query. */
    Outcome run(Job job, Map<String, TableCatalog.Bound> tables, AnalyzedQuery query) {
        List<JobContracts.Bound> bound = job.contractIds().stream().map(id -> contracts.find(id).orElseThrow()).toList();
        return run(job, bound, tables, query);
    }

    private Outcome run(Job job, List<JobContracts.Bound> bound, Map<String, TableCatalog.Bound> tables, AnalyzedQuery query) {

        Map<String, DatasetRules> rules = new HashMap<>();
        Map<String, Offer> offerOf = new HashMap<>();
        int maxRows = Integer.MAX_VALUE;
        for (JobContracts.Bound b : bound) {
            maxRows = (int) Math.min(maxRows, b.offer().rules().maxOutputRows());
            for (String d : b.offer().datasetIds()) {
                rules.put(d, rulesFor(tables.get(d), b.offer()));
                offerOf.put(d, b.offer());
            }
        }
        PlanResult planned = planner.plan(query, rules, maxRows);
        if (planned instanceof PlanResult.Rejected r) return new Outcome.Refused(List.of(new Job.Reason(r.code(), r.message())));
        ExecutionPlan plan = ((PlanResult.Planned) planned).plan();

        List<Reservation> reservations = new ArrayList<>();
        for (JobContracts.Bound b : bound) {
            Result<Reservation> q = budgets.reserve(List.of(BudgetKey.contractJobs(b.contract().id())), 1, job.id());
            if (!q.isOk()) return refuse(job, reservations, "QUOTA_EXHAUSTED", "the contract's job quota is used up");
            reservations.add(q.value());
            if (b.offer().privacy().isPresent()) {
                long micro = b.offer().privacy().get().microEpsilonPerQuery();
                List<BudgetKey> keys = new ArrayList<>(List.of(BudgetKey.contract(b.contract().id())));
                plan.inputs().stream().map(i -> i.datasetId()).filter(b.offer().datasetIds()::contains).distinct()
                        .forEach(d -> keys.add(BudgetKey.datasetOrg(d, job.consumerOrg())));
                Result<Reservation> e = budgets.reserve(keys, micro, job.id());
                if (!e.isOk()) return refuse(job, reservations, "BUDGET_EXHAUSTED", "the privacy budget is used up");
                reservations.add(e.value());
            }
        }
        held.put(job.id(), reservations);
        Map<String, Object> running = new LinkedHashMap<>();
        running.put("planCommitment", commitments.commit(ZoneCommitments.Purpose.JOB_PLAN, job.id(), plan.sql()));
        if (!transitions.move(job, jobs.find(job.id()).orElseThrow().status(), JobStatus.RUNNING, List.of(), running)) {
            abandon(job);
            return new Outcome.Failed(List.of(new Job.Reason("JOB_STATE_CHANGED", "the job changed state concurrently")));
        }

        long handedOver = System.nanoTime();
        WorkerClient.Result r = worker.run(job.id(), plan, tables);
        Job now = jobs.find(job.id()).orElseThrow();
        if (r instanceof WorkerClient.Result.Error err) {
            if (!DpFailures.masks(err.code(), bound)) {
                // A failed DP run still spends ε: whether a query fails can itself reveal something.
                settleOnFailure(job);
                return new Outcome.Failed(List.of(new Job.Reason(err.code(), err.message())));
            }
            r = DpFailures.release(job.id(), err.code(), plan, tables, System.nanoTime() - handedOver);
        }
        WorkerClient.Result.Ok ok = (WorkerClient.Result.Ok) r;
        if (ok.stats() != null) timings.worker(System.nanoTime() - handedOver, ok.stats());
        String sealed = seal(job.id(), ok.table());
        long microEps = reservations.stream().filter(x -> !x.keys().get(0).kind().equals(BudgetKey.CONTRACT_JOBS)).mapToLong(Reservation::amount).sum();
        UsageRecorder.Usage u = usage.meter(job, bound, ok.rowsScanned(), ok.cpuMillis(), microEps);
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("microEpsilon", microEps);
        attrs.put("rowsScanned", ok.rowsScanned());
        String inputs = inputsJson(plan, tables);
        boolean moved = transitions.move(now, JobStatus.RUNNING, JobStatus.CHECKED, List.of(), attrs, v -> {
            jobs.setResult(job.id(), sealed, u.json());
            jobs.setPlan(job.id(), inputs);
            for (Reservation res : reservations) budgets.commit(res);
            usage.record(u);
        });
        held.remove(job.id());
        if (!moved) {
            abandon(job);
            return new Outcome.Failed(List.of(new Job.Reason("JOB_STATE_CHANGED", "the job changed state concurrently")));
        }
        boolean review = bound.stream().anyMatch(b -> b.offer().approval() == io.veil.policy.ApprovalMode.PROVIDER_REVIEWS_RESULT);
        return new Outcome.Checked(review);
    }

    /**
     * What the released result was computed from — every dataset version the plan read and the
     * threshold it was enforced with — kept on the job row as the lineage of a data product made
     * from it (docs/data-products.md).
     */
    private String inputsJson(ExecutionPlan plan, Map<String, TableCatalog.Bound> tables) {
        List<Map<String, Object>> inputs = new ArrayList<>();
        plan.inputs().stream().map(i -> i.datasetId()).distinct().forEach(d -> {
            TableCatalog.Bound t = tables.get(d);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("datasetId", d);
            m.put("version", t.version().version());
            m.put("contentCommitment", t.version().contentCommitment());
            m.put("ownerOrg", t.dataset().ownerOrg());
            inputs.add(m);
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("inputs", inputs);
        out.put("minEntities", plan.spec().minEntities());
        try {
            return json.writeValueAsString(out);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Outcome refuse(Job job, List<Reservation> reservations, String code, String message) {
        reservations.forEach(budgets::refund);
        return new Outcome.Refused(List.of(new Job.Reason(code, message)));
    }

    private void settleOnFailure(Job job) {
        List<Reservation> rs = held.remove(job.id());
        if (rs == null) return;
        for (Reservation r : rs) {
            if (r.keys().get(0).kind().equals(BudgetKey.CONTRACT_JOBS)) budgets.refund(r);
            else budgets.commit(r);
        }
    }

    /** Refunds whatever the job still holds (cancel before running, lost races, crashes). */
    void abandon(Job job) {
        List<Reservation> rs = held.remove(job.id());
        if (rs != null) rs.forEach(budgets::refund);
    }

    void cancel(String jobId) {
        worker.cancel(jobId);
    }

    static DatasetRules rulesFor(TableCatalog.Bound t, Offer offer) {
        String entity = t.dataset().roles().entrySet().stream()
                .filter(e -> ColumnRole.parse(e.getValue()).orElse(null) == ColumnRole.ENTITY_ID)
                .map(Map.Entry::getKey).findFirst().orElse(null);
        DatasetRules.Privacy dp = offer.privacy().map(p -> {
            Map<String, double[]> bounds = new HashMap<>();
            p.contributionBounds().forEach((c, b) -> bounds.put(c, new double[]{b.lo(), b.hi()}));
            int perEntity = (int) offer.rules().maxRowsPerEntity().orElse(1);
            return new DatasetRules.Privacy(p.microEpsilonPerQuery() / 1e6, bounds, perEntity);
        }).orElse(null);
        // Exact, and fail-closed: only a column the ingest of this very version proved non-null and unique
        // per row lets the planner count rows instead of distinct entities (ADR 0015); null means unknown.
        boolean oneRowPerEntity = entity != null && entity.equals(t.version().uniqueEntityColumn());
        return new DatasetRules(entity, offer.rules().minEntities(), dp, oneRowPerEntity, t.version().nonNullColumns());
    }

    private String seal(String jobId, ResultTable table) {
        DataKey k = DataKey.generate(keys.suite());
        byte[] ct = k.seal(canonicalResult(table), ("result:" + jobId).getBytes(StandardCharsets.UTF_8));
        ZoneKeyStore.WrappedKey w = keys.wrap(k);
        return w.zoneKeyVersion() + ":" + Base64.getEncoder().encodeToString(w.ciphertext()) + ":" + Base64.getEncoder().encodeToString(ct);
    }

    /** What the release of a checked job records: the commitment to the result and its row count. */
    record Release(String resultCommitment, int rowsReleased) {}

    /** Computed at release from the sealed checked result (a withheld result never gets a commitment). */
    Release release(Job job) {
        ResultTable t = unseal(job.id(), job.resultSealed());
        return new Release(commitments.commit(ZoneCommitments.Purpose.JOB_RESULT, job.id(), canonicalResult(t)), t.rows().size());
    }

    ResultTable unseal(String jobId, String sealed) {
        String[] p = sealed.split(":");
        DataKey k = keys.unwrap(new ZoneKeyStore.WrappedKey(p[0], Base64.getDecoder().decode(p[1])));
        byte[] pt = k.open(Base64.getDecoder().decode(p[2]), ("result:" + jobId).getBytes(StandardCharsets.UTF_8));
        try {
            return json.readValue(pt, ResultTable.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("corrupt sealed result", e);
        }
    }

    private byte[] canonicalResult(ResultTable t) {
        try {
            return io.veil.crypto.CanonicalJson.canonicalize(json.writeValueAsString(t));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
