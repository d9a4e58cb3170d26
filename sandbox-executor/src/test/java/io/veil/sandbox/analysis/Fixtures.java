package io.veil.sandbox.analysis;

import io.veil.policy.ColumnRole;
import java.util.List;
import java.util.Map;

/** Two small contract datasets used across analyzer, planner and enforcer tests. */
public final class Fixtures {
    private Fixtures() {
    }

    public static final TableBinding VISITS = new TableBinding("ds-visits", "visits", List.of(
            new ColumnSchema("person_id", "BIGINT", ColumnRole.ENTITY_ID),
            new ColumnSchema("zip", "VARCHAR", ColumnRole.QUASI_IDENTIFIER),
            new ColumnSchema("region", "VARCHAR", ColumnRole.DIMENSION),
            new ColumnSchema("visit_date", "DATE", ColumnRole.DIMENSION),
            new ColumnSchema("amount", "DOUBLE", ColumnRole.METRIC),
            new ColumnSchema("diagnosis", "VARCHAR", ColumnRole.SENSITIVE),
            new ColumnSchema("card_no", "VARCHAR", ColumnRole.JOIN_KEY)));

    public static final TableBinding PAYMENTS = new TableBinding("ds-pay", "payments", List.of(
            new ColumnSchema("person_id", "BIGINT", ColumnRole.ENTITY_ID),
            new ColumnSchema("card_no", "VARCHAR", ColumnRole.JOIN_KEY),
            new ColumnSchema("merchant", "VARCHAR", ColumnRole.DIMENSION),
            new ColumnSchema("paid", "DOUBLE", ColumnRole.METRIC)));

    /** The adversarial suite's target population (see plan/Harness.PEOPLE). */
    public static final TableBinding PEOPLE = new TableBinding("ds-people", "people", List.of(
            new ColumnSchema("person_id", "BIGINT", ColumnRole.ENTITY_ID),
            new ColumnSchema("card_no", "VARCHAR", ColumnRole.JOIN_KEY),
            new ColumnSchema("region", "VARCHAR", ColumnRole.DIMENSION),
            new ColumnSchema("band", "VARCHAR", ColumnRole.DIMENSION),
            new ColumnSchema("floor_no", "BIGINT", ColumnRole.DIMENSION),
            new ColumnSchema("joined", "DATE", ColumnRole.DIMENSION),
            new ColumnSchema("rate", "DOUBLE", ColumnRole.DIMENSION),
            new ColumnSchema("income", "BIGINT", ColumnRole.METRIC),
            new ColumnSchema("bonus", "DOUBLE", ColumnRole.METRIC),
            new ColumnSchema("score", "BIGINT", ColumnRole.METRIC),
            new ColumnSchema("diagnosis", "VARCHAR", ColumnRole.SENSITIVE)));

    /** Each dataset is reachable by name and by id, as the gateway registers them. */
    public static Map<String, TableBinding> tables() {
        return Map.of("visits", VISITS, "ds_visits", VISITS, "payments", PAYMENTS, "people", PEOPLE);
    }

    public static AnalyzedQuery accepted(String sql) {
        AnalysisResult r = new SqlAnalyzer().analyze(sql, tables());
        if (r instanceof AnalysisResult.Accepted a) {
            return a.query();
        }
        throw new AssertionError("expected acceptance but got " + r);
    }
}
