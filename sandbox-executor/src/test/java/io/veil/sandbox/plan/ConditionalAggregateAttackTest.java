package io.veil.sandbox.plan;

import static io.veil.sandbox.plan.Harness.k;
import static org.assertj.core.api.Assertions.assertThat;

import io.veil.sandbox.analysis.AnalysisResult;
import io.veil.sandbox.analysis.Fixtures;
import io.veil.sandbox.analysis.SqlAnalyzer;
import io.veil.sandbox.privacy.OutputEnforcer.EnforcedResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Leak class 1 of issue 14: a condition inside an aggregate (FILTER, CASE, HAVING over such an
 * aggregate, a NULL-heavy argument) restricts one aggregate to a sub-population that the per-row
 * entity count never sees. Defence: per-aggregate support ({@code AggregateSupport}) — every restricted
 * aggregate carries its own distinct-entity count and is NULL below k before anything reads it — and
 * the argument discipline ({@code SQL_AGGREGATE_ARGUMENT}) that leaves FILTER as the only way to
 * restrict. The target: person 199, alone in region 'rare', income 987654, in a 200-person table.
 */
class ConditionalAggregateAttackTest {
    private static final Map<String, DatasetRules> K10 = Map.of("ds-people", k(10));
    private static final Map<String, DatasetRules> K10_UNIQUE = Map.of("ds-people", new DatasetRules("person_id", 10, null, true));

    private static List<Object> onlyRow(String sql, Map<String, DatasetRules> rules) {
        EnforcedResult r = Harness.run(sql, rules, 100);
        assertThat(r.table().rows()).as(sql).hasSize(1);
        return r.table().rows().get(0);
    }

    private static void assertNoTrace(String sql) {
        for (Map<String, DatasetRules> rules : List.of(K10, K10_UNIQUE)) {
            EnforcedResult r = Harness.run(sql, rules, 100);
            for (List<Object> row : r.table().rows()) {
                for (Object v : row) {
                    assertThat(v).as(sql).isNotIn(987654L, 987654.0, 1L, 1.0, 4321.5);
                }
            }
        }
    }

    @Test
    void conditionalAggregateOnSmallCellIsSuppressed() {
        String sql = "SELECT count(*) AS n, sum(income) FILTER (WHERE region = 'rare') AS s, "
                + "avg(income) FILTER (WHERE region = 'rare') AS a, count(*) FILTER (WHERE region = 'rare') AS c, "
                + "max(income) FILTER (WHERE region = 'rare') AS mx FROM people";
        for (Map<String, DatasetRules> rules : List.of(K10, K10_UNIQUE)) {
            // The row is backed by 200 people; each restricted aggregate by one.
            assertThat(onlyRow(sql, rules)).containsExactly(200L, null, null, null, null);
        }
    }

    @Test
    void conditionalAggregateOverEnoughEntitiesIsReleasedExactly() {
        String sql = "SELECT sum(income) FILTER (WHERE region = 'big') AS s, count(*) FILTER (WHERE band = '12') AS c FROM people";
        long expected = 0;
        for (int i = 0; i < 199; i++) expected += 1000 + i;
        for (Map<String, DatasetRules> rules : List.of(K10, K10_UNIQUE)) {
            List<Object> row = onlyRow(sql, rules);
            assertThat(((Number) row.get(0)).longValue()).isEqualTo(expected);
            assertThat(row.get(1)).isEqualTo(199L);
        }
    }

    @Test
    void caseInsideAnAggregateIsRefusedInFavourOfFilter() {
        SqlAnalyzer analyzer = new SqlAnalyzer();
        for (String sql : new String[] {
                "SELECT sum(CASE WHEN region = 'rare' THEN income END) FROM people",
                "SELECT sum(CASE WHEN region = 'rare' THEN income ELSE 0 END) FROM people",
                "SELECT count(CASE WHEN region = 'rare' THEN 1 END) FROM people",
                "SELECT avg(CASE region WHEN 'rare' THEN income END) FROM people",
                "SELECT sum(coalesce(bonus, 0)) FROM people",
                "SELECT max(CASE WHEN band = 'x12' THEN income ELSE NULL END) FROM people"}) {
            AnalysisResult r = analyzer.analyze(sql, Fixtures.tables());
            assertThat(r).as(sql).isInstanceOf(AnalysisResult.Rejected.class);
            assertThat(((AnalysisResult.Rejected) r).code()).as(sql).isEqualTo("SQL_AGGREGATE_ARGUMENT");
        }
    }

    @Test
    void aggregateOfAMostlyNullColumnIsSuppressed() {
        // bonus is non-NULL for person 7 only: a plain SUM over 200 rows is one person's bonus.
        String sql = "SELECT count(*) AS n, sum(bonus) AS s, avg(bonus) AS a, count(bonus) AS c, count(DISTINCT bonus) AS d FROM people";
        for (Map<String, DatasetRules> rules : List.of(K10, K10_UNIQUE)) {
            assertThat(onlyRow(sql, rules)).containsExactly(200L, null, null, null, null);
        }
    }

    @Test
    void havingOverASuppressedAggregateCarriesNoBitOfIt() {
        // Binary search on the secret through HAVING: every probe must answer alike.
        List<Integer> sizes = new ArrayList<>();
        for (long guess : new long[] {0, 500_000, 987_653, 987_654, 987_655, 2_000_000}) {
            for (String cmp : new String[] {">", "<", "="}) {
                String sql = "SELECT region, count(*) FROM people WHERE region IN ('big', 'rare') GROUP BY region "
                        + "HAVING sum(income) FILTER (WHERE band = 'x12' OR region = 'rare') " + cmp + " " + guess
                        + " OR count(*) > 100000";
                sizes.add(Harness.run(sql, K10, 100).table().rows().size());
            }
        }
        assertThat(sizes).containsOnly(0);
    }

    @Test
    void orderingByASuppressedAggregateCarriesNoBitOfIt() {
        // The two band groups are both large; the order-by aggregate is restricted to one person in each.
        List<List<List<Object>>> orders = new ArrayList<>();
        for (String dir : new String[] {"ASC", "DESC"}) {
            String sql = "SELECT band, count(*) FROM people GROUP BY band ORDER BY sum(income) FILTER (WHERE region = 'rare') "
                    + dir + " NULLS LAST, band";
            orders.add(Harness.run(sql, Map.of("ds-people", k(1)), 100).table().rows());
        }
        assertThat(orders.get(0)).isEqualTo(orders.get(1));
    }

    @Test
    void arithmeticOverASuppressedAggregateIsNull() {
        for (String expr : new String[] {
                "sum(income) FILTER (WHERE region = 'rare') * 0 + 1",
                "sum(income) - sum(income) FILTER (WHERE region = 'rare')",
                "CASE WHEN sum(income) FILTER (WHERE region = 'rare') > 987000 THEN 1 ELSE 0 END",
                "coalesce(sum(income) FILTER (WHERE region = 'rare'), 0) + 1",
                "count(*) FILTER (WHERE region = 'rare') = 1"}) {
            List<Object> row = onlyRow("SELECT count(*), " + expr + " AS probe FROM people", K10);
            // Whatever the expression makes of NULL, it is the same for every value of the secret.
            List<Object> other = onlyRow("SELECT count(*), " + expr.replace("'rare'", "'nowhere'") + " AS probe FROM people", K10);
            assertThat(row).as(expr).isEqualTo(other);
        }
    }

    @Test
    void joinedConditionalAggregateNeedsEnoughEntitiesInEveryTable() {
        // payments persons 0-29; visits persons 0-23. A filter on one payments card isolates one person of each table.
        Map<String, DatasetRules> rules = Map.of("ds-visits", k(5), "ds-pay", k(5));
        String sql = "SELECT count(*) AS n, sum(v.amount) FILTER (WHERE p.merchant = 'm0') AS m0, "
                + "sum(p.paid) FILTER (WHERE v.region = 'south') AS south FROM visits v JOIN payments p ON v.person_id = p.person_id";
        List<Object> row = onlyRow(sql, rules);
        assertThat(row.get(2)).isNull(); // south: 3 people < 5
        assertThat(row.get(1)).isNotNull(); // m0: persons 0, 3, ..., 21 = 8 people in both tables
    }

    @Test
    void pivotedConditionalAggregatesStayUsable() {
        String sql = "SELECT band, count(*) FILTER (WHERE diagnosis = 'flu') AS flu, count(*) FILTER (WHERE diagnosis = 'cold') AS cold, "
                + "sum(income) FILTER (WHERE floor_no = 3) AS third FROM people WHERE region = 'big' GROUP BY band ORDER BY band";
        EnforcedResult r = Harness.run(sql, K10, 100);
        assertThat(r.table().rows()).hasSize(1); // band 'x12' is one person: the row is suppressed
        assertThat(r.table().rows().get(0).subList(0, 3)).containsExactly("12", 99L, 99L);
        assertThat(r.table().rows().get(0).get(3)).isNotNull();
    }

    @Test
    void noConditionalShapeReleasesTheTargetsIncome() {
        for (String sql : Arrays.asList(
                "SELECT sum(income) FILTER (WHERE region = 'rare' OR band = 'x12') AS s FROM people",
                "SELECT avg(income) FILTER (WHERE region <> 'big') AS s FROM people",
                "SELECT sum(income) FILTER (WHERE NOT region = 'big') AS s, count(*) FROM people",
                "SELECT sum(income) FILTER (WHERE region IN ('rare', 'nowhere')) AS s FROM people GROUP BY band",
                "SELECT min(income) FILTER (WHERE region = 'rare') AS s, max(bonus) FROM people",
                "SELECT count(DISTINCT income) FILTER (WHERE region = 'rare') AS s FROM people",
                "SELECT sum(income) FILTER (WHERE joined > DATE '2020-07-17') AS s FROM people")) {
            assertNoTrace(sql);
        }
    }
}
