package io.veil.gateway.budgets;

import io.veil.gateway.support.TestDatabases;
import io.veil.policy.BudgetStore;
import io.veil.policy.BudgetStoreContractTest;

import javax.sql.DataSource;

/** The policy module's BudgetStore behaviour, against H2 in PostgreSQL mode (the embedded default). */
class JdbcBudgetStoreH2Test extends BudgetStoreContractTest {
    private static final DataSource DB = BudgetTestSupport.pooled(TestDatabases.freshH2());

    @Override
    protected BudgetStore newStore() {
        return BudgetTestSupport.store(DB, BudgetEvents.NONE);
    }
}
