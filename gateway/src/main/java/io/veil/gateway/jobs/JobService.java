package io.veil.gateway.jobs;

import io.veil.gateway.api.ApiException;
import io.veil.gateway.keys.ZoneCommitments;
import io.veil.gateway.ledger.LedgerOutbox;
import io.veil.gateway.security.Caller;
import io.veil.policy.ContractState;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Job submission, queries and the consumer/provider actions. Every status change and its ledger
 * event are committed together (ADR 0002). The pipeline itself runs in {@link JobPipeline}.
 */
@Service
public class JobService {
    static final int MAX_SQL = 20_000;
    private static final Pattern ID = Pattern.compile("[a-f0-9-]{36}");
    private final JobStore jobs;
    private final JobContracts contracts;
    private final LedgerOutbox outbox;
    private final TransactionTemplate tx;
    private final ZoneCommitments commitments;
    private final JobPipeline pipeline;
    private final JobWaiters waiters;

    public JobService(JobStore jobs, JobContracts contracts, LedgerOutbox outbox, TransactionTemplate tx,
                      ZoneCommitments commitments, JobPipeline pipeline, JobWaiters waiters) {
        this.waiters = waiters;
        this.jobs = jobs;
        this.contracts = contracts;
        this.outbox = outbox;
        this.tx = tx;
        this.commitments = commitments;
        this.pipeline = pipeline;
    }

    public record SubmitRequest(List<String> contractIds, String sql, String type) {}

    public Job submit(Caller caller, SubmitRequest req) {
        if (req == null || req.contractIds() == null || req.contractIds().isEmpty() || req.contractIds().size() > 4) {
            throw ApiException.badRequest("JOB_CONTRACTS_INVALID", "contractIds must list 1 to 4 contract ids");
        }
        String type = req.type() == null ? "SQL" : req.type();
        if (!type.equals("SQL")) throw ApiException.badRequest("JOB_TYPE_UNSUPPORTED", "supported job types here: SQL");
        if (req.sql() == null || req.sql().isBlank()) throw ApiException.badRequest("SQL_MISSING", "sql is required");
        if (req.sql().length() > MAX_SQL) throw ApiException.badRequest("SQL_TOO_LONG", "sql longer than " + MAX_SQL + " characters");
        List<String> ids = req.contractIds().stream().distinct().toList();
        for (String id : ids) {
            if (id == null || !ID.matcher(id).matches()) throw ApiException.badRequest("JOB_CONTRACTS_INVALID", "malformed contract id");
            JobContracts.Bound b = contracts.find(id).orElseThrow(() -> ApiException.notFound("contract"));
            if (!b.contract().consumerOrg().equals(caller.org())) {
                // Other organisations' contracts are indistinguishable from missing ones.
                throw ApiException.notFound("contract");
            }
            if (b.contract().state() != ContractState.AGREED) {
                throw ApiException.conflict("CONTRACT_NOT_AGREED", "contract " + id + " is " + b.contract().state());
            }
        }
        Instant now = Instant.now();
        String id = UUID.randomUUID().toString();
        // Keyed, not a plain hash: a guessable query must not be confirmable from the ledger (ADR 0021).
        String query = commitments.commit(ZoneCommitments.Purpose.JOB_QUERY, id, req.sql());
        Job job = new Job(id, caller.org(), type, ids, req.sql(), query, JobStatus.SUBMITTED,
                List.of(), null, null, null, null, now, now);
        tx.executeWithoutResult(s -> {
            jobs.insert(job);
            outbox.record("JobSubmitted", subjects(job), Map.of("queryCommitment", query, "jobType", type));
        });
        pipeline.enqueue(job.id());
        return job;
    }

    public Job get(Caller caller, String id) {
        Job j = find(id);
        if (!visible(caller, j)) throw ApiException.notFound("job");
        return j;
    }

    /**
     * As {@link #get(Caller, String)}, waiting up to {@code waitSeconds} (0–30) for the job to settle:
     * to finish, or to wait for the provider (approval of the job or review of its result).
     */
    public Job get(Caller caller, String id, int waitSeconds) {
        if (waitSeconds < 0 || waitSeconds > JobWaiters.MAX_WAIT_SECONDS) {
            throw ApiException.badRequest("WAIT_INVALID", "waitSeconds must be 0 to " + JobWaiters.MAX_WAIT_SECONDS);
        }
        Job first = get(caller, id);
        if (waitSeconds == 0) return first;
        return waiters.await(() -> find(id), j -> j.status().terminal() || j.status() == JobStatus.AWAITING_APPROVAL
                || (j.status() == JobStatus.CHECKED && pipeline.awaitsReview(j)), java.time.Duration.ofSeconds(waitSeconds));
    }

    public Job cancel(Caller caller, String id) {
        Job j = find(id);
        if (!j.consumerOrg().equals(caller.org())) throw ApiException.notFound("job");
        if (j.status().terminal()) throw ApiException.conflict("JOB_ALREADY_FINISHED", "job is " + j.status());
        pipeline.cancel(j, List.of(new Job.Reason("CANCELLED_BY_CONSUMER", "cancelled by the submitting organisation")));
        return find(id);
    }

    /** Provider decision on a job awaiting approval, or on a checked result awaiting review. */
    public Job decide(Caller caller, String id, boolean approve, String stage) {
        Job j = find(id);
        if (!providerOf(caller, j)) throw ApiException.notFound("job");
        switch (stage) {
            case "approval" -> {
                if (j.status() != JobStatus.AWAITING_APPROVAL) throw ApiException.conflict("JOB_NOT_AWAITING_APPROVAL", "job is " + j.status());
                pipeline.approve(j, caller.org(), approve);
            }
            case "review" -> {
                if (j.status() != JobStatus.CHECKED || !pipeline.awaitsReview(j)) {
                    throw ApiException.conflict("JOB_NOT_AWAITING_REVIEW", "job is " + j.status());
                }
                if (!reviewerOf(caller, j)) throw notReviewer();
                pipeline.review(j, caller.org(), approve);
            }
            default -> throw new IllegalArgumentException(stage);
        }
        return find(id);
    }

    /**
     * The checked job whose result {@code caller} is to review: a provider whose offer on one of the
     * job's datasets asks for {@code PROVIDER_REVIEWS_RESULT}, while the job is CHECKED. Other
     * organisations get NOT_FOUND (as for any job they cannot see), the job's other providers
     * NOT_RESULT_REVIEWER, any other status JOB_NOT_AWAITING_REVIEW.
     */
    public Job underReview(Caller caller, String id) {
        Job j = find(id);
        if (!providerOf(caller, j)) throw ApiException.notFound("job");
        if (!reviewerOf(caller, j)) throw notReviewer();
        if (j.status() != JobStatus.CHECKED || j.resultSealed() == null) {
            throw ApiException.conflict("JOB_NOT_AWAITING_REVIEW", "job is " + j.status());
        }
        return j;
    }

    private boolean reviewerOf(Caller caller, Job j) {
        return caller.has("provider") && j.contractIds().stream().map(contracts::find).anyMatch(b -> b.isPresent()
                && b.get().contract().providerOrg().equals(caller.org())
                && b.get().offer().approval() == io.veil.policy.ApprovalMode.PROVIDER_REVIEWS_RESULT);
    }

    private static ApiException notReviewer() {
        return ApiException.forbidden("NOT_RESULT_REVIEWER", "only a provider whose offer asks to review results reviews this job");
    }

    public List<Job> mine(Caller caller, int offset, int limit) {
        return jobs.byConsumer(caller.org(), offset, limit);
    }

    Job find(String id) {
        if (id == null || !ID.matcher(id).matches()) throw ApiException.notFound("job");
        return jobs.find(id).orElseThrow(() -> ApiException.notFound("job"));
    }

    boolean visible(Caller caller, Job j) {
        return j.consumerOrg().equals(caller.org()) || providerOf(caller, j) || caller.has("auditor") || caller.has("zone-admin");
    }

    boolean providerOf(Caller caller, Job j) {
        return caller.has("provider") && j.contractIds().stream().map(contracts::find)
                .anyMatch(b -> b.isPresent() && b.get().contract().providerOrg().equals(caller.org()));
    }

    static Map<String, String> subjects(Job j) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("job", j.id());
        s.put("org", j.consumerOrg());
        s.put("contract", j.contractIds().get(0)); // multi-contract jobs list all ids in the attributes
        return s;
    }
}
