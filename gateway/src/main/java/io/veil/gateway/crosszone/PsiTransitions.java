package io.veil.gateway.crosszone;

import io.veil.gateway.jobs.Job;
import io.veil.gateway.jobs.JobStatus;
import io.veil.gateway.ledger.LedgerOutbox;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PSI job rows and their ledger events, committed together (invariant 3). Events use the job event
 * types (JobSubmitted … ResultReleased) with subjects job, org, contract and zone (the peer zone);
 * attributes carry codes, digests and counts of what was released — never keys or values.
 */
@Component
class PsiTransitions {
    private final PsiJobStore store;
    private final LedgerOutbox outbox;
    private final TransactionTemplate tx;

    PsiTransitions(PsiJobStore store, LedgerOutbox outbox, TransactionTemplate tx) {
        this.store = store;
        this.outbox = outbox;
        this.tx = tx;
    }

    void submitted(PsiJobStore.PsiJob j, Map<String, Object> attrs) {
        tx.executeWithoutResult(s -> {
            store.insert(j);
            outbox.record(JobStatus.SUBMITTED.eventType(), subjects(j), attrs);
        });
    }

    boolean move(PsiJobStore.PsiJob j, JobStatus from, JobStatus to, List<Job.Reason> reasons, Map<String, Object> attrs) {
        return move(j, from, to, reasons, attrs, () -> {});
    }

    /** Also runs {@code sameTransaction} (budget commits, usage, the stored result) in the transition's transaction. */
    boolean move(PsiJobStore.PsiJob j, JobStatus from, JobStatus to, List<Job.Reason> reasons, Map<String, Object> attrs,
                 Runnable sameTransaction) {
        return Boolean.TRUE.equals(tx.execute(s -> {
            if (!store.transition(j.id(), from, to, reasons)) return false;
            Map<String, Object> a = new LinkedHashMap<>(attrs);
            a.put("status", to.name());
            a.put("jobType", j.type());
            if (!reasons.isEmpty()) a.put("reasonCodes", reasons.stream().map(Job.Reason::code).distinct().toList());
            outbox.record(to.eventType(), subjects(j), a);
            sameTransaction.run();
            return true;
        }));
    }

    static Map<String, String> subjects(PsiJobStore.PsiJob j) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("job", j.id());
        m.put("org", j.consumerOrg());
        m.put("contract", j.contractId());
        m.put("zone", j.peerZone());
        return m;
    }
}
