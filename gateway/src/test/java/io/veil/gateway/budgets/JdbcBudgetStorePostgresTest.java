package io.veil.gateway.budgets;

import io.veil.gateway.support.TestDatabases;
import io.veil.policy.BudgetStore;
import io.veil.policy.BudgetStoreContractTest;
import org.junit.jupiter.api.BeforeAll;

import javax.sql.DataSource;

/** The policy module's BudgetStore behaviour, against a real PostgreSQL (skipped locally without one, never in CI). */
class JdbcBudgetStorePostgresTest extends BudgetStoreContractTest {
    private static DataSource db;

    @BeforeAll
    static void database() {
        db = BudgetTestSupport.pooled(TestDatabases.freshPostgres());
    }

    @Override
    protected BudgetStore newStore() {
        return BudgetTestSupport.store(db, BudgetEvents.NONE);
    }
}
