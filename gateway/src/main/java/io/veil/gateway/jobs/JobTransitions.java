package io.veil.gateway.jobs;

import io.veil.gateway.ledger.LedgerOutbox;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Job status changes, each committed together with its ledger event (invariant 3). */
@Component
class JobTransitions {
    private final JobStore jobs;
    private final LedgerOutbox outbox;
    private final TransactionTemplate tx;
    private final JobWaiters waiters;

    JobTransitions(JobStore jobs, LedgerOutbox outbox, TransactionTemplate tx, JobWaiters waiters) {
        this.jobs = jobs;
        this.outbox = outbox;
        this.tx = tx;
        this.waiters = waiters;
    }

    boolean move(Job j, JobStatus from, JobStatus to, List<Job.Reason> reasons, Map<String, Object> attrs) {
        return move(j, from, to, reasons, attrs, s -> {});
    }

    /** Also runs {@code sameTransaction} (e.g. a budget commit or usage record) in the transition's transaction. */
    boolean move(Job j, JobStatus from, JobStatus to, List<Job.Reason> reasons, Map<String, Object> attrs,
                 Consumer<Void> sameTransaction) {
        boolean moved = Boolean.TRUE.equals(tx.execute(s -> {
            if (!jobs.transition(j.id(), from, to, reasons)) return false;
            Map<String, Object> a = new LinkedHashMap<>(attrs);
            a.put("status", to.name());
            if (j.contractIds().size() > 1) a.put("contractIds", j.contractIds());
            outbox.record(to.eventType(), JobService.subjects(j), a);
            sameTransaction.accept(null);
            return true;
        }));
        if (moved) waiters.signal(); // committed: a waiting status request may now see it
        return moved;
    }

    void reject(Job j, JobStatus from, List<Job.Reason> reasons) {
        move(j, from, JobStatus.REJECTED, reasons, Map.of("reasonCodes", reasons.stream().map(Job.Reason::code).distinct().toList()));
    }

    void record(Job j, String type, Map<String, Object> attrs) {
        tx.executeWithoutResult(s -> outbox.record(type, JobService.subjects(j), attrs));
    }
}
