package io.veil.gateway.budgets;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import javax.sql.DataSource;

/** Stores over the test databases. Pooled, because the contract test's 64 threads would otherwise open a connection per call. */
final class BudgetTestSupport {
    private BudgetTestSupport() {}

    static DataSource pooled(DataSource ds) {
        HikariConfig c = new HikariConfig();
        c.setDataSource(ds);
        c.setMaximumPoolSize(16);
        return new HikariDataSource(c);
    }

    static JdbcBudgetStore store(DataSource ds, BudgetEvents events) {
        return new JdbcBudgetStore(new JdbcTemplate(ds), new DataSourceTransactionManager(ds), events);
    }
}
