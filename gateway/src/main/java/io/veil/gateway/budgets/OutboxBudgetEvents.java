package io.veil.gateway.budgets;

import io.veil.gateway.ledger.LedgerOutbox;
import io.veil.policy.BudgetKey;
import io.veil.policy.Reservation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ledger events for budget charges: BudgetReserved, BudgetCharged (commit), BudgetRefunded. The amount is
 * named after its unit: {@code microEpsilon} for ε budgets, {@code jobs} for the job quota.
 */
final class OutboxBudgetEvents implements BudgetEvents {
    private final LedgerOutbox outbox;

    OutboxBudgetEvents(LedgerOutbox outbox) {
        this.outbox = outbox;
    }

    @Override public void reserved(Reservation r) { record("BudgetReserved", r); }
    @Override public void committed(Reservation r) { record("BudgetCharged", r); }
    @Override public void refunded(Reservation r) { record("BudgetRefunded", r); }

    private void record(String type, Reservation r) {
        List<String> contracts = r.keys().stream().filter(k -> !k.kind().equals(BudgetKey.DATASET_ORG))
                .map(BudgetKey::id).distinct().sorted().toList();
        Map<String, String> subjects = new LinkedHashMap<>();
        subjects.put("job", r.jobId());
        if (contracts.size() == 1) subjects.put("contract", contracts.get(0));
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("reservation", r.id());
        attributes.put("contracts", contracts);
        attributes.put("keys", r.keys().stream().map(k -> k.kind() + ":" + k.id()).toList());
        boolean jobs = r.keys().stream().allMatch(k -> k.kind().equals(BudgetKey.CONTRACT_JOBS));
        boolean epsilon = r.keys().stream().noneMatch(k -> k.kind().equals(BudgetKey.CONTRACT_JOBS));
        attributes.put(jobs ? "jobs" : epsilon ? "microEpsilon" : "amount", r.amount());
        outbox.record(type, subjects, attributes);
    }
}
