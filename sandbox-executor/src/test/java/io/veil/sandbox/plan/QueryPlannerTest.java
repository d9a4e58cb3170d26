package io.veil.sandbox.plan;

import static io.veil.sandbox.plan.Harness.dp;
import static io.veil.sandbox.plan.Harness.k;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.veil.sandbox.ResultTable;
import io.veil.sandbox.privacy.EnforcementSpec;
import io.veil.sandbox.privacy.OutputEnforcer;
import io.veil.sandbox.privacy.OutputEnforcer.EnforcedResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryPlannerTest {

    @Test
    void rewritesTablesToInternalNamesKeepingAliases() {
        ExecutionPlan plan = Harness.plan("SELECT v.region, count(*) FROM visits v JOIN payments p "
                + "ON v.card_no = p.card_no GROUP BY v.region", Map.of("ds-visits", k(2), "ds-pay", k(2)), 100);
        assertThat(plan.inputs()).containsExactly(new TableInput("t0", "ds-visits"), new TableInput("t1", "ds-pay"));
        assertThat(plan.sql()).contains("t0 AS v").contains("t1 AS p").doesNotContain("visits").doesNotContain("payments");
        assertThat(plan.spec().hiddenColumns()).containsExactly("__veil_k_0", "__veil_k_1");
    }

    @Test
    void suppressesGroupsWithFewerThanKEntitiesEvenWithManyRows() {
        EnforcedResult r = Harness.run("SELECT region, count(*) AS n FROM visits GROUP BY region ORDER BY region",
                Map.of("ds-visits", k(5)), 100);
        // east has 50 rows but one person; south has 3 people.
        assertThat(r.table().rows()).containsExactly(List.of("north", 20L));
        assertThat(r.table().columns()).containsExactly("region", "n");
        assertThat(r.rowsSuppressed()).isEqualTo(2);
        assertThat(r.microEpsilonSpent()).isZero();
    }

    @Test
    void suppressesAGlobalAggregateOverFewerThanKEntities() {
        EnforcedResult r = Harness.run("SELECT sum(amount) FROM visits WHERE region = 'south'", Map.of("ds-visits", k(5)), 100);
        assertThat(r.table().rows()).isEmpty();
        assertThat(r.rowsSuppressed()).isEqualTo(1);
        EnforcedResult empty = Harness.run("SELECT count(*) FROM visits WHERE region = 'nowhere'", Map.of("ds-visits", k(1)), 100);
        assertThat(empty.table().rows()).isEmpty();
    }

    @Test
    void thresholdUsesTheMostRestrictiveKAcrossJoinedTables() {
        String sql = "SELECT p.merchant, count(*) AS n FROM visits v JOIN payments p ON v.person_id = p.person_id "
                + "WHERE v.region = 'north' GROUP BY p.merchant ORDER BY p.merchant";
        // north persons 0-19 split over three merchants: 7, 7 and 6 people.
        EnforcedResult loose = Harness.run(sql, Map.of("ds-visits", k(3), "ds-pay", k(1)), 100);
        assertThat(loose.table().rows()).hasSize(3);
        ExecutionPlan strict = Harness.plan(sql, Map.of("ds-visits", k(3), "ds-pay", k(7)), 100);
        assertThat(strict.spec().minEntities()).isEqualTo(7);
        EnforcedResult r = Harness.run(sql, Map.of("ds-visits", k(3), "ds-pay", k(7)), 100);
        assertThat(r.table().rows()).extracting(row -> row.get(0)).containsExactly("m0", "m1");
        assertThat(r.rowsSuppressed()).isEqualTo(1);
    }

    @Test
    void capsReleasedRowsAndSaysSo() {
        EnforcedResult r = Harness.run("SELECT visit_date, count(*) FROM visits GROUP BY visit_date ORDER BY visit_date",
                Map.of("ds-visits", k(1)), 10);
        assertThat(r.table().rows()).hasSize(10);
        assertThat(r.truncated()).isTrue();
    }

    @Test
    void appliesLimitAfterSuppressionWithoutCountingItAsTruncation() {
        EnforcedResult r = Harness.run("SELECT region, count(*) FROM visits GROUP BY region ORDER BY count(*) LIMIT 1",
                Map.of("ds-visits", k(5)), 100);
        // Without moving LIMIT after suppression the smallest (suppressed) group would leave nothing.
        assertThat(r.table().rows()).containsExactly(List.of("north", 20L));
        assertThat(r.truncated()).isFalse();
    }

    @Test
    void unprotectedDatasetsAddNoThreshold() {
        ExecutionPlan plan = Harness.plan("SELECT count(*) FROM payments", Map.of("ds-pay", new DatasetRules(null, 0, null)), 10);
        assertThat(plan.spec().entityCounts()).isEmpty();
        assertThat(Harness.run("SELECT count(*) FROM payments", Map.of("ds-pay", new DatasetRules(null, 0, null)), 10)
                .table().rows()).containsExactly(List.of(30L));
    }

    @Test
    void castsBecomeTryCastsSoBadValuesCannotRaiseErrors() {
        ExecutionPlan plan = Harness.plan("SELECT count(*) FROM visits WHERE CAST(region AS DOUBLE) > 0", Map.of("ds-visits", k(1)), 10);
        assertThat(plan.sql()).containsIgnoringCase("TRY_CAST");
        ResultTable raw = Harness.execute(plan);
        assertThat(raw.rows()).hasSize(1);
    }

    @Test
    void dpBoundsRowsPerEntityAfterJoinsAndFilters() {
        ExecutionPlan plan = Harness.plan("SELECT region, count(*) FROM visits GROUP BY region",
                Map.of("ds-visits", dp(1, 1.0, 2, Map.of())), 100);
        ResultTable raw = Harness.execute(plan);
        List<Object> east = raw.rows().stream().filter(r -> "east".equals(r.get(0))).findFirst().orElseThrow();
        assertThat(((Number) east.get(1)).longValue()).isEqualTo(2L);
    }

    @Test
    void dpClampsContributionsSoAnOutlierCannotDominateASum() {
        Map<String, DatasetRules> rules = Map.of("ds-visits", dp(1, 1.0, 1, Map.of("amount", new double[] {0, 100})));
        ExecutionPlan plan = Harness.plan("SELECT sum(amount) AS total FROM visits", rules, 10);
        ResultTable raw = Harness.execute(plan);
        // 23 people at 50 plus the outlier clamped to at most 100, one row each.
        assertThat(((Number) raw.rows().get(0).get(0)).doubleValue()).isBetween(23 * 50.0, 23 * 50.0 + 100);
        EnforcedResult r = Harness.run("SELECT sum(amount) AS total FROM visits", rules, 10);
        assertThat((Double) r.table().rows().get(0).get(0)).isLessThan(1e6);
        assertThat(r.microEpsilonSpent()).isEqualTo(1_000_000L);
        assertThat(r.table().types()).containsExactly("DOUBLE");
    }

    @Test
    void dpAverageIsANoisySumOverANoisyCountWithinTheBounds() {
        Map<String, DatasetRules> rules = Map.of("ds-visits", dp(1, 50.0, 1, Map.of("amount", new double[] {0, 100})));
        ExecutionPlan plan = Harness.plan("SELECT avg(amount) AS a FROM visits WHERE region = 'north'", rules, 10);
        assertThat(plan.spec().hiddenColumns()).containsExactly("__veil_n_0", "__veil_k_0");
        assertThat(plan.spec().dp().epsilonPerMeasurement()).isCloseTo(50.0 / 3, within(1e-9));
        EnforcedResult r = Harness.run("SELECT avg(amount) AS a FROM visits WHERE region = 'north'", rules, 10);
        assertThat((Double) r.table().rows().get(0).get(0)).isBetween(30.0, 70.0);
    }

    @Test
    void dpPartitionSelectionDropsSmallGroupsAndKeepsLargeOnes() {
        Map<String, DatasetRules> rules = Map.of("ds-visits", dp(2, 10.0, 1, Map.of()));
        ExecutionPlan plan = Harness.plan("SELECT region, count(*) FROM visits GROUP BY region", rules, 10);
        // ε split over the count and the entity count: 5 each; τ = ceil(0.2 · ln(1e6)) = 3.
        assertThat(plan.spec().dp().partitionThreshold()).isEqualTo(3);
        EnforcedResult r = Harness.run("SELECT region, count(*) FROM visits GROUP BY region", rules, 10);
        assertThat(r.table().rows()).extracting(row -> row.get(0)).containsExactly("north");
        assertThat((Long) r.table().rows().get(0).get(1)).isBetween(15L, 25L);
    }

    @Test
    void dpRefusesShapesItCannotAccountFor() {
        Map<String, DatasetRules> rules = Map.of("ds-visits", dp(1, 1.0, 1, Map.of("amount", new double[] {0, 100})),
                "ds-pay", dp(1, 1.0, 1, Map.of()));
        assertThat(Harness.rejection("SELECT sum(amount) FROM visits", Map.of("ds-visits", dp(1, 1.0, 1, Map.of()))))
                .isEqualTo("DP_BOUNDS_MISSING");
        assertThat(Harness.rejection("SELECT min(amount) FROM visits", rules)).isEqualTo("DP_AGGREGATE_NOT_ALLOWED");
        assertThat(Harness.rejection("SELECT region, count(*) FROM visits GROUP BY region HAVING count(*) > 5", rules))
                .isEqualTo("DP_HAVING_NOT_ALLOWED");
        assertThat(Harness.rejection("SELECT region, count(*) FROM visits GROUP BY region ORDER BY count(*)", rules))
                .isEqualTo("DP_ORDER_BY_AGGREGATE");
        assertThat(Harness.rejection("SELECT sum(amount) / count(*) FROM visits", rules)).isEqualTo("DP_UNSUPPORTED_OUTPUT");
        assertThat(Harness.rejection("SELECT count(*) FROM visits v JOIN payments p ON v.card_no = p.card_no", rules))
                .isEqualTo("DP_JOIN_UNSUPPORTED");
    }

    @Test
    void columnsProvenNonNullNeedNoSupportCountOfTheirOwn() {
        String sql = "SELECT region, sum(income) AS s, avg(income) AS a, sum(income) FILTER (WHERE band = '12') AS f FROM people GROUP BY region";
        ExecutionPlan unknown = Harness.plan(sql, Map.of("ds-people", k(10)), 100);
        ExecutionPlan proven = Harness.plan(sql, Map.of("ds-people", new DatasetRules("person_id", 10, null, false, java.util.Set.of("income"))), 100);
        // Unknown nullness: the row count, a count for income IS NOT NULL (gating SUM and AVG), one for the FILTER.
        assertThat(unknown.sql().split("(?i)count\\(DISTINCT", -1)).hasSize(5); // the same count twice in the text, computed once
        // Proven non-null: only the FILTER still restricts its aggregate's rows.
        assertThat(proven.sql().split("(?i)count\\(DISTINCT", -1)).hasSize(3);
        EnforcedResult a = OutputEnforcer.enforce(Harness.execute(unknown), unknown.spec().toJson());
        EnforcedResult b = OutputEnforcer.enforce(Harness.execute(proven), proven.spec().toJson());
        assertThat(b.table()).isEqualTo(a.table());
    }

    @Test
    void refusesToPlanWithoutRulesForEveryDataset() {
        assertThat(Harness.rejection("SELECT count(*) FROM visits v JOIN payments p ON v.card_no = p.card_no",
                Map.of("ds-visits", k(5)))).isEqualTo("PLAN_RULES_MISSING");
        assertThat(Harness.rejection("SELECT count(*) FROM visits", Map.of("ds-visits", new DatasetRules("nope", 5, null))))
                .isEqualTo("PLAN_ENTITY_COLUMN_UNKNOWN");
    }

    @Test
    void enforcementSpecRoundTripsThroughJson() {
        ExecutionPlan plan = Harness.plan("SELECT region, avg(amount) FROM visits GROUP BY region",
                Map.of("ds-visits", dp(3, 1.0, 2, Map.of("amount", new double[] {0, 100}))), 50);
        EnforcementSpec spec = plan.spec();
        assertThat(EnforcementSpec.fromJson(spec.toJson())).isEqualTo(spec);
    }
}
