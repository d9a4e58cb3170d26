package io.veil.gateway.budgets;

import io.veil.gateway.ledger.LedgerOutbox;
import io.veil.policy.BudgetStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/** The zone's budget store: JDBC, with every charge recorded in the ledger outbox in the same transaction. */
@Configuration
class BudgetConfig {
    @Bean
    BudgetStore budgetStore(JdbcTemplate jdbc, PlatformTransactionManager txm, LedgerOutbox outbox) {
        return new JdbcBudgetStore(jdbc, txm, new OutboxBudgetEvents(outbox));
    }
}
