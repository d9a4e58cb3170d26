package io.veil.gateway.jobs;

import io.veil.gateway.api.ApiException;
import io.veil.gateway.security.Caller;
import io.veil.policy.ApprovalMode;
import io.veil.sandbox.ResultTable;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Ordinary SQL jobs submitted on behalf of a cross-zone job: the requesting zone's local part (for
 * its own consumer) and, in a provider zone, a peer zone's part (for the qualified consumer
 * {@code org@zone}). They go through the same {@link JobService} → {@link JobPipeline} as any job —
 * same analysis, rules, thresholds, DP, budgets, quota and ledger events. Only offers with
 * {@code approval: AUTO} are taken: a cross-zone job runs while its requester waits, so a part that
 * would wait for a provider's approval or review is refused up front with
 * {@code CROSS_ZONE_APPROVAL_UNSUPPORTED} (docs/cross-zone.md).
 */
@Component
public class PartJobs {
    private final JobService service;
    private final JobContracts contracts;
    private final JobStore jobs;
    private final JobExecution execution;
    private final JobPipeline pipeline;

    PartJobs(JobService service, JobContracts contracts, JobStore jobs, JobExecution execution, JobPipeline pipeline) {
        this.pipeline = pipeline;
        this.service = service;
        this.contracts = contracts;
        this.jobs = jobs;
        this.execution = execution;
    }

    /**
     * What the pipeline would decide for this part, without creating a job or touching data: lets the
     * requesting zone refuse a cross-zone job whose local part cannot run before any peer zone spends
     * quota or ε on its part. The job itself is decided again when it runs.
     */
    public List<Job.Reason> precheck(String consumerOrg, List<String> contractIds, String sql) {
        List<JobContracts.Bound> bound = new java.util.ArrayList<>();
        for (String id : contractIds) {
            JobContracts.Bound b = contracts.find(id).filter(x -> x.contract().consumerOrg().equals(consumerOrg)).orElse(null);
            if (b == null) return List.of(new Job.Reason("NOT_FOUND", "contract not found"));
            if (b.contract().state() != io.veil.policy.ContractState.AGREED) {
                return List.of(new Job.Reason("CONTRACT_NOT_AGREED", "contract " + id + " is " + b.contract().state()));
            }
            if (b.offer().approval() != ApprovalMode.AUTO) {
                return List.of(new Job.Reason("CROSS_ZONE_APPROVAL_UNSUPPORTED", "a cross-zone job cannot wait for a provider's "
                        + "approval or review; the offer of contract " + id + " asks for " + b.offer().approval()));
            }
            bound.add(b);
        }
        return pipeline.check(bound, consumerOrg, sql).reasons();
    }

    /** Submits {@code sql} under {@code contractIds} for {@code consumerOrg}; refusals as JobService.submit. */
    public Job submit(String consumerOrg, String clientId, List<String> contractIds, String sql) {
        for (String id : contractIds) {
            contracts.find(id).filter(b -> b.contract().consumerOrg().equals(consumerOrg)).ifPresent(b -> {
                if (b.offer().approval() != ApprovalMode.AUTO) {
                    throw ApiException.unprocessable("CROSS_ZONE_APPROVAL_UNSUPPORTED",
                            "a cross-zone job cannot wait for a provider's approval or review; the offer of contract " + id
                                    + " asks for " + b.offer().approval());
                }
            });
        }
        return service.submit(new Caller(consumerOrg, Set.of("consumer"), clientId), new JobService.SubmitRequest(contractIds, sql, "SQL"));
    }

    public Optional<Job> find(String id) {
        return jobs.find(id);
    }

    /** Waits until the job is terminal (or the deadline passes; then the job as it is). */
    public Job await(String id, long deadlineNanos) {
        Job j = jobs.find(id).orElseThrow();
        while (!j.status().terminal() && System.nanoTime() < deadlineNanos) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return j;
            }
            j = jobs.find(id).orElseThrow();
        }
        return j;
    }

    /** Cancels a part that did not finish in time (its reservations are refunded by the pipeline). */
    public void cancel(Job j) {
        Job now = jobs.find(j.id()).orElseThrow();
        if (now.status().terminal()) return;
        try {
            service.cancel(new Caller(now.consumerOrg(), Set.of("consumer"), "cross-zone"), now.id());
        } catch (ApiException e) {
            // finished meanwhile
        }
    }

    /** The released table of a RELEASED job (unsealed in memory). */
    public ResultTable released(Job j) {
        if (j.status() != JobStatus.RELEASED) throw new IllegalStateException("job is not released");
        return execution.unseal(j.id(), j.resultSealed());
    }
}
