package io.veil.sandbox.plan;

import static io.veil.sandbox.plan.Harness.dp;
import static io.veil.sandbox.plan.Harness.k;
import static org.assertj.core.api.Assertions.assertThat;

import io.veil.sandbox.analysis.AnalysisResult;
import io.veil.sandbox.analysis.Fixtures;
import io.veil.sandbox.analysis.SqlAnalyzer;
import io.veil.sandbox.privacy.OutputEnforcer.EnforcedResult;
import io.veil.sandbox.privacy.SecureNoise;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The classic attacks on statistical databases, against the people table (person 199 alone in 'rare',
 * income 987654). Thresholds alone cannot stop trackers, complements or outliers — these tests say so by
 * name ("...UnderThresholdsOnly", documented in docs/privacy.md §3) — and DP must turn each into noise
 * that is charged per run. Reconstruction (Dinur–Nissim) needs predicates that pick arbitrary sets of
 * individuals; those cannot be written at all.
 */
class LiteratureAttackTest {
    private static final Map<String, double[]> INCOME = Map.of("income", new double[] {0, 1_000_000});
    private static final SqlAnalyzer ANALYZER = new SqlAnalyzer();

    private static Object value(String sql, Map<String, DatasetRules> rules) {
        List<List<Object>> rows = Harness.run(sql, rules, 10).table().rows();
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    private static double number(String sql, Map<String, DatasetRules> rules) {
        Object v = value(sql, rules);
        return v == null ? 0 : ((Number) v).doubleValue();
    }

    @Test
    void trackerDifferenceIsExactUnderThresholdsOnly() {
        Map<String, DatasetRules> rules = Map.of("ds-people", k(10));
        double padded = number("SELECT sum(income) FROM people WHERE region IN ('big', 'rare')", rules);
        double pad = number("SELECT sum(income) FROM people WHERE region = 'big'", rules);
        assertThat(padded - pad).isEqualTo(987654.0); // both answers pass k = 10: thresholds are not a privacy proof
    }

    @Test
    void trackerDifferenceIsNoisyWithDp() {
        Map<String, DatasetRules> rules = Map.of("ds-people", dp(10, 1.0, 1, INCOME));
        Set<Long> differences = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            EnforcedResult padded = Harness.run("SELECT sum(income) FROM people WHERE region IN ('big', 'rare')", rules, 10);
            EnforcedResult pad = Harness.run("SELECT sum(income) FROM people WHERE region = 'big'", rules, 10);
            assertThat(padded.microEpsilonSpent()).isEqualTo(1_000_000L);
            assertThat(pad.microEpsilonSpent()).isEqualTo(1_000_000L);
            differences.add(Math.round(((Number) padded.table().rows().get(0).get(0)).doubleValue()
                    - ((Number) pad.table().rows().get(0).get(0)).doubleValue()));
        }
        // Noise of scale 2e6 (sensitivity 1e6 at ε/2) on each answer: twenty equal differences would be a bug.
        assertThat(differences).hasSizeGreaterThan(15);
    }

    @Test
    void reconstructionPredicatesOverIndividualsCannotBeWritten() {
        for (String where : new String[] {"person_id % 2 = 0", "hash(person_id) % 2 = 0", "person_id IN (1, 2, 3)",
                "person_id < 100", "md5(card_no) < '8'", "card_no LIKE 'c1%'", "length(card_no) = 3",
                "substr(card_no, 2, 1) = '1'", "regexp_matches(card_no, '1$')", "CAST(person_id AS VARCHAR) = '7'",
                "floor_no % 2 = 0", "hash(region) % 2 = 0", "random() < 0.5", "abs(person_id - 42) < 1"}) {
            String sql = "SELECT sum(income) FROM people WHERE " + where;
            AnalysisResult r = ANALYZER.analyze(sql, Fixtures.tables());
            assertThat(r).as(sql).isInstanceOf(AnalysisResult.Rejected.class);
            assertThat(((AnalysisResult.Rejected) r).code()).as(sql)
                    .isIn("SQL_IDENTIFIER_EXPRESSION", "SQL_FUNCTION_NOT_ALLOWED", "SQL_UNSUPPORTED_CONSTRUCT");
        }
    }

    @Test
    void averagingRewrittenPredicatesIsChargedForEveryRun() {
        Map<String, DatasetRules> rules = Map.of("ds-people", dp(1, 0.5, 1, INCOME));
        for (String where : new String[] {"region = 'rare'", "region IN ('rare')", "NOT region <> 'rare'", "lower(region) = 'rare'",
                "region = 'rare' AND region = 'rare'", "upper(region) = 'RARE'", "coalesce(region, 'x') = 'rare'"}) {
            EnforcedResult r = Harness.run("SELECT count(*) FROM people WHERE " + where, rules, 10);
            assertThat(r.microEpsilonSpent()).as(where).isEqualTo(500_000L);
        }
    }

    @Test
    void outlierDominatesASumUnderThresholdsOnly() {
        // Person 150's score is ~9.2e18; 199 others hold 0..199. The sum is one person's value to 17 digits.
        double sum = number("SELECT sum(score) FROM people WHERE region = 'big'", Map.of("ds-people", k(10)));
        assertThat(sum / 9223372036854775000.0).isBetween(0.999999, 1.000001);
    }

    @Test
    void outlierIsClampedWithDp() {
        Map<String, DatasetRules> rules = Map.of("ds-people", dp(10, 1.0, 1, Map.of("score", new double[] {0, 200})));
        for (int i = 0; i < 10; i++) {
            assertThat(number("SELECT sum(score) FROM people WHERE region = 'big'", rules)).isLessThan(1e7);
        }
    }

    @Test
    void conditionalAggregatesAreNoisedWithDp() {
        Map<String, DatasetRules> rules = Map.of("ds-people", dp(10, 1.0, 1, INCOME));
        Set<Object> answers = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            answers.add(value("SELECT sum(income) FILTER (WHERE region = 'rare') FROM people", rules));
        }
        assertThat(answers).hasSizeGreaterThan(8).doesNotContain(987654.0);
    }

    @Test
    void dpSumsLieOnTheNoiseGrid() {
        Map<String, DatasetRules> rules = Map.of("ds-people", dp(1, 1.0, 1, INCOME));
        ExecutionPlan plan = Harness.plan("SELECT sum(income) FROM people", rules, 10);
        double scale = plan.spec().outputs().get(0).sensitivity() / plan.spec().dp().epsilonPerMeasurement();
        double g = SecureNoise.granularity(scale);
        for (int i = 0; i < 10; i++) {
            double v = number("SELECT sum(income) FROM people", rules);
            assertThat(Math.abs(v / g - Math.rint(v / g))).as("%s is a multiple of %s", v, g).isEqualTo(0.0);
        }
    }

    @Test
    void rowPresenceIsNoisyWithDp() {
        // 'rare' holds one person: a grouped DP query releases its row with probability at most δ;
        // 'big' (199 people) clears k + τ with overwhelming probability at ε = 2.
        Map<String, DatasetRules> rules = Map.of("ds-people", dp(1, 2.0, 1, Map.of()));
        for (int i = 0; i < 20; i++) {
            List<List<Object>> rows = Harness.run("SELECT region, count(*) FROM people GROUP BY region", rules, 10).table().rows();
            assertThat(rows).extracting(r -> r.get(0)).containsExactly("big");
        }
    }
}
