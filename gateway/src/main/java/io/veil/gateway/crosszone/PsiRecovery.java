package io.veil.gateway.crosszone;

import com.fasterxml.jackson.core.type.TypeReference;
import io.veil.gateway.jobs.Job;
import io.veil.gateway.jobs.JobStatus;
import io.veil.policy.BudgetKey;
import io.veil.policy.BudgetStore;
import io.veil.policy.Reservation;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;

/**
 * Crash recovery (invariant 7): PSI sessions live in memory, so a PSI job that was not finished when
 * the node stopped can never finish. At start each one is failed ({@code NODE_RESTARTED}) and its
 * open reservations settled like a failed run: the job quota refunded, ε committed if the data was in
 * play (RUNNING: the responder had read its dataset, the initiator's session was open), refunded otherwise.
 */
@Component
class PsiRecovery {
    private final JdbcTemplate jdbc;
    private final PsiJobStore store;
    private final PsiTransitions transitions;
    private final BudgetStore budgets;

    PsiRecovery(JdbcTemplate jdbc, PsiJobStore store, PsiTransitions transitions, BudgetStore budgets) {
        this.jdbc = jdbc;
        this.store = store;
        this.transitions = transitions;
        this.budgets = budgets;
    }

    @EventListener(ApplicationReadyEvent.class)
    void recover() {
        List<String> open = jdbc.queryForList("SELECT id FROM psi_jobs WHERE status IN ('SUBMITTED','ANALYSED','RUNNING','CHECKED')",
                String.class);
        for (String id : open) {
            PsiJobStore.PsiJob j = store.find(id).orElseThrow();
            boolean dataRead = j.status() == JobStatus.RUNNING || j.status() == JobStatus.CHECKED;
            for (Map<String, Object> r : jdbc.queryForList(
                    "SELECT id, keys_json, amount_micro FROM budget_reservations WHERE job_id = ? AND state = 'RESERVED'", id)) {
                List<BudgetKey> keys = keys((String) r.get("keys_json"));
                Reservation res = new Reservation((String) r.get("id"), id, keys, ((Number) r.get("amount_micro")).longValue());
                boolean quota = keys.get(0).kind().equals(BudgetKey.CONTRACT_JOBS);
                if (quota || !dataRead) budgets.refund(res);
                else budgets.commit(res);
            }
            transitions.move(j, j.status(), JobStatus.FAILED, List.of(new Job.Reason("NODE_RESTARTED",
                    "the node restarted while the PSI job ran")), Map.of());
        }
    }

    private static List<BudgetKey> keys(String json) {
        try {
            return PeerCalls.JSON.readValue(json, new TypeReference<List<BudgetKey>>() {});
        } catch (Exception e) {
            throw new IllegalStateException("corrupt reservation row");
        }
    }
}
