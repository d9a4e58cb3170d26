package io.veil.sandbox.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.sandbox.ResultTable;
import io.veil.sandbox.analysis.Fixtures;
import io.veil.sandbox.privacy.OutputEnforcer;
import io.veil.sandbox.privacy.OutputEnforcer.EnforcedResult;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plans a query, runs the planned SQL on a real in-memory DuckDB holding t0 (visits) and t1 (payments),
 * and enforces the result, as the worker does.
 *
 * <p>visits (loaded as whatever internal name the plan gives it): persons 0-19 in north (amount 50 each), 20-22 in south, person 23 alone in east with 50
 * rows, 49 of them an outlier amount of 1e9. payments: persons 0-29, card c{i}, merchant m{i % 3}.
 */
final class Harness {
    static final String VISITS = "CREATE TABLE {T} AS SELECT i AS person_id, '1000' || i AS zip, "
            + "CASE WHEN i < 20 THEN 'north' WHEN i < 23 THEN 'south' ELSE 'east' END AS region, "
            + "DATE '2024-01-01' + CAST(i AS INTEGER) AS visit_date, 50.0::DOUBLE AS amount, 'd' AS diagnosis, 'c' || i AS card_no "
            + "FROM range(24) r(i); "
            + "INSERT INTO {T} SELECT 23, '10023', 'east', DATE '2024-01-01', 1e9, 'd', 'c23' FROM range(49)";
    static final String PAYMENTS = "CREATE TABLE {T} AS SELECT i AS person_id, 'c' || i AS card_no, "
            + "'m' || (i % 3) AS merchant, 10.0::DOUBLE AS paid FROM range(30) r(i)";

    /**
     * The adversarial suite's population: 200 people. Person 199 is alone in region 'rare' with income
     * 987654 (the secret most attacks go after); everyone else is in 'big' with income 1000 + i.
     * bonus is NULL except for person 7 (4321.5). floor_no holds the extreme integers an overflow
     * oracle would probe: person 150 near the largest BIGINT, person 151 the smallest. band is text of
     * digits except person 42's 'x12' (a conversion oracle). score is i, except person 150's.
     */
    static final String PEOPLE = "CREATE TABLE {T} AS SELECT i AS person_id, 'c' || i AS card_no, "
            + "CASE WHEN i = 199 THEN 'rare' ELSE 'big' END AS region, CASE WHEN i = 42 THEN 'x12' ELSE '12' END AS band, "
            + "CASE WHEN i = 150 THEN 9223372036854775000 WHEN i = 151 THEN -9223372036854775808 ELSE i % 7 END::BIGINT AS floor_no, "
            + "DATE '2020-01-01' + CAST(i AS INTEGER) AS joined, (i % 5) * 0.5 AS rate, "
            + "CASE WHEN i = 199 THEN 987654 ELSE 1000 + i END::BIGINT AS income, "
            + "CASE WHEN i = 7 THEN 4321.5 END::DOUBLE AS bonus, "
            + "CASE WHEN i = 150 THEN 9223372036854775000 ELSE i END::BIGINT AS score, "
            + "CASE WHEN i % 2 = 0 THEN 'flu' ELSE 'cold' END AS diagnosis FROM range(200) r(i)";

    private Harness() {
    }

    static ExecutionPlan plan(String sql, Map<String, DatasetRules> rules, int maxRows) {
        PlanResult r = new QueryPlanner().plan(Fixtures.accepted(sql), rules, maxRows);
        assertThat(r).as(String.valueOf(r)).isInstanceOf(PlanResult.Planned.class);
        return ((PlanResult.Planned) r).plan();
    }

    static String rejection(String sql, Map<String, DatasetRules> rules) {
        PlanResult r = new QueryPlanner().plan(Fixtures.accepted(sql), rules, 100);
        assertThat(r).isInstanceOf(PlanResult.Rejected.class);
        return ((PlanResult.Rejected) r).code();
    }

    /** Loads each input under its internal name, as the worker does, then runs the planned SQL. */
    static ResultTable execute(ExecutionPlan plan) {
        return execute(plan, PEOPLE);
    }

    /** As {@link #execute(ExecutionPlan)}, with another population for the people table (same schema). */
    static ResultTable execute(ExecutionPlan plan, String peopleDdl) {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            for (TableInput in : plan.inputs()) {
                String ddl = switch (in.datasetId()) {
                    case "ds-visits" -> VISITS;
                    case "ds-people" -> peopleDdl;
                    default -> PAYMENTS;
                };
                s.execute(ddl.replace("{T}", in.internalName()));
            }
            try (ResultSet rs = s.executeQuery(plan.sql())) {
                ResultSetMetaData md = rs.getMetaData();
                List<String> cols = new ArrayList<>();
                List<String> types = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    cols.add(md.getColumnLabel(i));
                    types.add(md.getColumnTypeName(i));
                }
                List<List<Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.add(rs.getObject(i));
                    }
                    rows.add(row);
                }
                return new ResultTable(cols, types, rows);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    static EnforcedResult run(String sql, Map<String, DatasetRules> rules, int maxRows) {
        ExecutionPlan plan = plan(sql, rules, maxRows);
        return OutputEnforcer.enforce(execute(plan), plan.spec().toJson());
    }

    static DatasetRules k(int k) {
        return new DatasetRules("person_id", k, null);
    }

    static DatasetRules dp(int k, double epsilon, int maxRows, Map<String, double[]> bounds) {
        return new DatasetRules("person_id", k, new DatasetRules.Privacy(epsilon, bounds, maxRows));
    }
}
