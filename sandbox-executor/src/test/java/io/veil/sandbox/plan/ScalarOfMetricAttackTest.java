package io.veil.sandbox.plan;

import static io.veil.sandbox.plan.Harness.k;
import static org.assertj.core.api.Assertions.assertThat;

import io.veil.sandbox.analysis.AnalysisResult;
import io.veil.sandbox.analysis.Fixtures;
import io.veil.sandbox.analysis.SqlAnalyzer;
import io.veil.sandbox.privacy.OutputEnforcer.EnforcedResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Leak class 2 of issue 14: a scalar function of a METRIC inside an aggregate acts as a predicate on
 * one person — {@code SUM(floor(x / c))} counts the people above c, so a binary search finds the
 * maximum even where the offer forbids MAX; {@code 1 / (x - c)} is non-finite exactly when someone has
 * x = c. Defence: the argument discipline ({@code SQL_AGGREGATE_ARGUMENT}: a bare column or a cast
 * that keeps every value) and no non-finite value is ever released.
 */
class ScalarOfMetricAttackTest {
    private static final SqlAnalyzer ANALYZER = new SqlAnalyzer();

    private static String code(String sql) {
        AnalysisResult r = ANALYZER.analyze(sql, Fixtures.tables());
        return r instanceof AnalysisResult.Rejected x ? x.code() : "ACCEPTED";
    }

    @Test
    void scalarFunctionOfAMetricInsideAnAggregateIsRefused() {
        for (String arg : new String[] {
                "floor(income / 987654)", "ceil(income / 1000000.0)", "round(income, 0) - income", "abs(income - 987654)",
                "1 / (income - 987654)", "income / income", "income * 0 + 1", "-income", "income + score",
                "CASE WHEN income > 987000 THEN 1 ELSE 0 END", "coalesce(bonus, income)", "CAST(income AS INTEGER)",
                "TRY_CAST(income AS DECIMAL(4,0))", "CAST(income AS DECIMAL(18,2))", "CAST(CAST(income AS VARCHAR) AS BIGINT)",
                "CAST(bonus AS BIGINT)", "CAST(income AS BOOLEAN)", "lower(CAST(income AS VARCHAR))"}) {
            for (String agg : new String[] {"sum", "avg", "count", "min", "max"}) {
                String sql = "SELECT " + agg + "(" + arg + ") FROM people";
                assertThat(code(sql)).as(sql).isEqualTo("SQL_AGGREGATE_ARGUMENT");
            }
        }
    }

    @Test
    void castsThatKeepEveryValueStayAllowed() {
        for (String sql : new String[] {
                "SELECT sum(CAST(income AS DOUBLE)) FROM people", "SELECT avg(CAST(bonus AS DOUBLE)) FROM people",
                "SELECT sum(CAST(income AS BIGINT)) FROM people", "SELECT count(DISTINCT CAST(region AS VARCHAR)) FROM people"}) {
            assertThat(code(sql)).as(sql).isEqualTo("ACCEPTED");
        }
    }

    @Test
    void maximumCannotBeBinarySearchedThroughAnAllowedAggregate() {
        // What an attacker can still write: SUM / COUNT / AVG of the bare column, restricted by dimensions only
        // (a METRIC in FILTER or WHERE is refused by role in the policy engine). None of these answers
        // moves with a threshold c, so no search over c can converge on the maximum.
        Map<String, DatasetRules> rules = Map.of("ds-people", k(10));
        List<List<Object>> first = null;
        for (long c : new long[] {1, 1000, 987_653, 987_654, 10_000_000}) {
            EnforcedResult r = Harness.run("SELECT region, sum(income), avg(income), count(income), " + c + " AS c FROM people GROUP BY region", rules, 10);
            List<List<Object>> rows = r.table().rows().stream().map(row -> row.subList(0, 4)).toList();
            if (first == null) first = rows;
            assertThat(rows).isEqualTo(first);
        }
        assertThat(first).hasSize(1); // 'rare' (one person) is suppressed
    }

    @Test
    void nonFiniteValuesAreNeverReleased() {
        Map<String, DatasetRules> rules = Map.of("ds-people", k(10));
        for (String expr : new String[] {"sum(income) / 0", "-sum(income) / 0", "avg(income) / (count(*) - count(*))",
                "sum(bonus) FILTER (WHERE region = 'big') / 0", "(sum(rate) / 0) - (sum(rate) / 0)"}) {
            EnforcedResult r = Harness.run("SELECT count(*) AS n, " + expr + " AS probe FROM people", rules, 10);
            assertThat(r.table().rows()).hasSize(1);
            assertThat(r.table().rows().get(0).get(1)).as(expr).isNull();
        }
    }

    @Test
    void scalarFunctionsOfReleasedAggregatesRemainUsable() {
        EnforcedResult r = Harness.run("SELECT round(avg(income), 1) AS a, sum(income) / count(*) AS mean, abs(sum(score) - sum(income)) AS d "
                + "FROM people WHERE region = 'big' AND floor_no BETWEEN 0 AND 6", Map.of("ds-people", k(10)), 10);
        assertThat(r.table().rows()).hasSize(1);
        assertThat(r.table().rows().get(0)).doesNotContainNull();
    }
}
