package io.veil.gateway.budgets;

import io.veil.policy.Reservation;

/**
 * Called by {@link JdbcBudgetStore} inside the transaction that changes a reservation, and only when the
 * state really changes (an idempotent repeat records nothing), so the ledger sees each charge exactly once.
 */
interface BudgetEvents {
    BudgetEvents NONE = new BudgetEvents() {
        @Override public void reserved(Reservation r) {}
        @Override public void committed(Reservation r) {}
        @Override public void refunded(Reservation r) {}
    };

    void reserved(Reservation r);

    void committed(Reservation r);

    void refunded(Reservation r);
}
