package io.veil.sandbox.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.sandbox.ResultTable;
import io.veil.sandbox.analysis.Fixtures;
import io.veil.sandbox.privacy.OutputEnforcer;
import io.veil.sandbox.privacy.OutputEnforcer.EnforcedResult;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The k-threshold shortcut (ADR 0015): when ingest proved the entity column unique per row, a
 * single-table query counts support with COUNT(*) instead of COUNT(DISTINCT entity). It must
 * release exactly what the distinct path releases, and never apply where a row is not an entity.
 */
class EntityCountShortcutTest {
    static final List<String> QUERIES = List.of(
            "SELECT merchant, count(*) AS n, sum(paid) AS s, avg(paid) AS a FROM payments GROUP BY merchant",
            "SELECT count(*) AS n, sum(paid) AS s FROM payments WHERE merchant = 'm7'",
            "SELECT merchant, count(*) AS n FROM payments WHERE paid > 50 GROUP BY merchant HAVING count(*) > 3",
            "SELECT merchant, max(paid) AS mx, min(paid) AS mn FROM payments GROUP BY merchant ORDER BY merchant LIMIT 4",
            "SELECT DISTINCT merchant, count(*) AS n FROM payments WHERE paid IS NOT NULL GROUP BY merchant");

    static DatasetRules rules(int k, boolean unique) {
        return new DatasetRules("person_id", k, null, unique);
    }

    @Test
    void uniqueEntitiesReleaseExactlyWhatDistinctCountingReleases() {
        for (long seed = 1; seed <= 25; seed++) {
            Random r = new Random(seed);
            String data = payments(r, 20 + r.nextInt(400));
            int k = 1 + r.nextInt(15);
            for (String sql : QUERIES) {
                ExecutionPlan distinct = Harness.plan(sql, Map.of("ds-pay", rules(k, false)), 100);
                ExecutionPlan shortcut = Harness.plan(sql, Map.of("ds-pay", rules(k, true)), 100);
                assertThat(distinct.sql()).containsIgnoringCase("count(DISTINCT");
                assertThat(shortcut.sql()).doesNotContainIgnoringCase("DISTINCT p").containsIgnoringCase("count_star()");
                EnforcedResult a = enforce(distinct, data);
                EnforcedResult b = enforce(shortcut, data);
                assertThat(sorted(b.table())).as("seed %d k %d: %s", seed, k, sql).isEqualTo(sorted(a.table()));
                assertThat(b.rowsSuppressed()).isEqualTo(a.rowsSuppressed());
            }
        }
    }

    @Test
    void entityUniquenessUnknownOrFalseKeepsDistinctCounting() {
        ExecutionPlan plan = Harness.plan(QUERIES.get(0), Map.of("ds-pay", Harness.k(5)), 100);
        assertThat(plan.sql()).containsIgnoringCase("count(DISTINCT");
    }

    @Test
    void joinsKeepDistinctCountingEvenWhenEveryInputIsUnique() {
        var unique = Map.of("ds-visits", new DatasetRules("person_id", 5, null, true), "ds-pay", rules(5, true));
        ExecutionPlan join = Harness.plan("SELECT p.merchant, count(*) AS n FROM visits v JOIN payments p ON v.card_no = p.card_no "
                + "GROUP BY p.merchant", unique, 100);
        assertThat(join.sql()).containsIgnoringCase("count(DISTINCT v.person_id)").containsIgnoringCase("count(DISTINCT p.person_id)");
        ExecutionPlan self = Harness.plan("SELECT a.merchant, count(*) AS n FROM payments a JOIN payments b ON a.card_no = b.card_no "
                + "GROUP BY a.merchant", Map.of("ds-pay", rules(5, true)), 100);
        assertThat(self.sql()).containsIgnoringCase("count(DISTINCT a.person_id)");
    }

    @Test
    void repeatedEntityRowsCountedDistinctSuppressTheGroupOfOnePerson() {
        // visits: person 23 alone in 'east' with 50 rows. Not unique, so the planner gets false.
        EnforcedResult r = Harness.run("SELECT region, count(*) AS n FROM visits GROUP BY region",
                Map.of("ds-visits", Harness.k(5)), 100);
        assertThat(r.table().rows()).extracting(row -> row.get(0)).containsExactly("north").doesNotContain("east");
    }

    @Test
    void dpOverUniqueEntitiesSkipsTheRowBoundWindowButStillAddsNoise() {
        var dp = new DatasetRules("person_id", 5, new DatasetRules.Privacy(1.0, Map.of("paid", new double[]{0, 100}), 1), true);
        ExecutionPlan plan = Harness.plan("SELECT merchant, count(*) AS n, sum(paid) AS s FROM payments GROUP BY merchant",
                Map.of("ds-pay", dp), 100);
        assertThat(plan.sql()).doesNotContainIgnoringCase("row_number").doesNotContainIgnoringCase("count(DISTINCT");
        assertThat(plan.spec().toJson().toString()).contains("\"dp\"");
        ExecutionPlan bounded = Harness.plan("SELECT merchant, count(*) AS n, sum(paid) AS s FROM payments GROUP BY merchant",
                Map.of("ds-pay", new DatasetRules("person_id", 5, dp.dp(), false)), 100);
        assertThat(bounded.sql()).containsIgnoringCase("row_number").containsIgnoringCase("count(DISTINCT");
    }

    /** Unique person ids, skewed merchant sizes (some below any k), some NULL amounts. */
    static String payments(Random r, int n) {
        return "CREATE TABLE {T} AS SELECT i AS person_id, 'c' || i AS card_no, "
                + "'m' || CAST(floor(8 * pow(hash(i + " + r.nextInt(1000) + ") % 1000 / 1000.0, 2)) AS INTEGER) AS merchant, "
                + "CASE WHEN hash(i * 7 + " + r.nextInt(1000) + ") % 9 = 0 THEN NULL ELSE (hash(i) % 100)::DOUBLE END AS paid "
                + "FROM range(" + n + ") r(i)";
    }

    static EnforcedResult enforce(ExecutionPlan plan, String createPayments) {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            for (TableInput in : plan.inputs()) s.execute(createPayments.replace("{T}", in.internalName()));
            try (ResultSet rs = s.executeQuery(plan.sql())) {
                List<String> cols = new ArrayList<>();
                List<String> types = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    cols.add(rs.getMetaData().getColumnLabel(i));
                    types.add(rs.getMetaData().getColumnTypeName(i));
                }
                List<List<Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= cols.size(); i++) row.add(rs.getObject(i));
                    rows.add(row);
                }
                return OutputEnforcer.enforce(new ResultTable(cols, types, rows), plan.spec().toJson());
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    static List<String> sorted(ResultTable t) {
        List<String> rows = new ArrayList<>(t.columns().stream().map(c -> "#" + c).toList());
        t.rows().forEach(r -> rows.add(r.toString()));
        rows.sort(Comparator.naturalOrder());
        return rows;
    }
}
