package io.veil.gateway.support;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Assumptions;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.util.UUID;

/**
 * Databases for store contract tests: an H2 in PostgreSQL mode, and a real PostgreSQL from
 * VEIL_TEST_PG_URL (started by deploy/local/test.sh). Without PostgreSQL the PG tests are skipped
 * with a message locally, but fail under CI=true so CI never silently skips them.
 */
public final class TestDatabases {
    private TestDatabases() {}

    public static DataSource freshH2() {
        return freshH2At(null);
    }

    /** A fresh H2 migrated up to {@code version} only (null: all migrations), for migration tests. */
    public static DataSource freshH2At(String version) {
        DriverManagerDataSource ds = new DriverManagerDataSource(
                "jdbc:h2:mem:" + UUID.randomUUID() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                "veil", "");
        migrate(ds, version);
        return ds;
    }

    public static DataSource freshPostgres() {
        return freshPostgresAt(null);
    }

    /** A fresh PostgreSQL schema migrated up to {@code version} only (null: all migrations). */
    public static DataSource freshPostgresAt(String version) {
        String url = System.getenv("VEIL_TEST_PG_URL");
        if (url == null || url.isBlank()) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("VEIL_TEST_PG_URL is not set in CI: deploy/local/test.sh must start PostgreSQL");
            }
            Assumptions.abort("PostgreSQL not reachable: set VEIL_TEST_PG_URL (bash deploy/local/postgres.sh prints one)");
        }
        String user = System.getenv().getOrDefault("VEIL_TEST_PG_USER", "veil");
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
        DriverManagerDataSource admin = new DriverManagerDataSource(url, user, "");
        try (Connection c = admin.getConnection()) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        } catch (Exception e) {
            throw new IllegalStateException("cannot reach PostgreSQL at " + url, e);
        }
        DriverManagerDataSource ds = new DriverManagerDataSource(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema, user, "");
        migrate(ds, version);
        return ds;
    }

    /** Applies the migrations up to {@code version} (null: all). */
    public static void migrate(DataSource ds, String version) {
        var config = Flyway.configure().dataSource(ds).locations("classpath:db/migration");
        if (version != null) config.target(version);
        config.load().migrate();
    }
}
