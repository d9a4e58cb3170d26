package io.veil.gateway.jobs;

import io.veil.sandbox.ResultTable;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * Read access to a released job's output for other parts of the gateway (data products). Only a
 * RELEASED job has one: anything that did not pass every gate (and, where the offer asks, the
 * provider's approval and review) is never handed out.
 */
@Component
public class ReleasedResults {
    private final JobStore jobs;
    private final JobExecution execution;

    ReleasedResults(JobStore jobs, JobExecution execution) {
        this.jobs = jobs;
        this.execution = execution;
    }

    public Optional<Job> job(String id) {
        return jobs.find(id);
    }

    /** The released table of {@code job}; throws IllegalStateException if it is not RELEASED. */
    public ResultTable table(Job job) {
        if (job.status() != JobStatus.RELEASED || job.resultSealed() == null) {
            throw new IllegalStateException("job " + job.id() + " has no released result");
        }
        return execution.unseal(job.id(), job.resultSealed());
    }
}
