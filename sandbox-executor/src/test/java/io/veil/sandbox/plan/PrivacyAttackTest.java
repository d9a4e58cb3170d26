package io.veil.sandbox.plan;

import static io.veil.sandbox.plan.Harness.dp;
import static io.veil.sandbox.plan.Harness.k;
import static org.assertj.core.api.Assertions.assertThat;

import io.veil.sandbox.analysis.AnalysisResult;
import io.veil.sandbox.analysis.Fixtures;
import io.veil.sandbox.analysis.SqlAnalyzer;
import io.veil.sandbox.privacy.OutputEnforcer.EnforcedResult;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Attacks from DESIGN.md that this layer must answer, including the ones it answers only with DP.
 * Tests named "...WithoutDp" document a limitation of thresholds alone (see docs/privacy.md).
 */
class PrivacyAttackTest {

    private static long count(EnforcedResult r) {
        return (Long) r.table().rows().get(0).get(0);
    }

    @Test
    void differencingOnOnePersonCannotBeExpressed() {
        SqlAnalyzer analyzer = new SqlAnalyzer();
        for (String sql : new String[] {
                "SELECT sum(amount) FROM visits WHERE person_id <> 42",
                "SELECT sum(amount) FROM visits WHERE NOT (person_id = 42)",
                "SELECT sum(amount) FROM visits WHERE zip <> '10042'",
                "SELECT sum(CASE WHEN person_id = 42 THEN 0 ELSE amount END) FROM visits",
                "SELECT sum(amount) FROM visits v JOIN payments p ON v.person_id = p.person_id WHERE p.card_no <> 'c42'"}) {
            AnalysisResult r = analyzer.analyze(sql, Fixtures.tables());
            assertThat(r).as(sql).isInstanceOf(AnalysisResult.Rejected.class);
            assertThat(((AnalysisResult.Rejected) r).code()).isEqualTo("SQL_IDENTIFIER_EXPRESSION");
        }
    }

    @Test
    void orPaddedTrackerOverDimensionsStillSuppressesTheSmallCell() {
        EnforcedResult r = Harness.run("SELECT region, sum(amount) FROM visits "
                + "WHERE region = 'south' OR region = 'north' GROUP BY region", Map.of("ds-visits", k(5)), 100);
        assertThat(r.table().rows()).extracting(row -> row.get(0)).containsExactly("north");
        assertThat(r.rowsSuppressed()).isEqualTo(1);
    }

    @Test
    void complementOfVisibleGroupsRevealsSuppressedMassWithoutDp() {
        Map<String, DatasetRules> rules = Map.of("ds-visits", k(5));
        long total = count(Harness.run("SELECT count(*) FROM visits", rules, 100));
        EnforcedResult groups = Harness.run("SELECT count(*) FROM visits GROUP BY region", rules, 100);
        long visible = groups.table().rows().stream().mapToLong(row -> (Long) row.get(0)).sum();
        // Thresholds alone hide which small cell holds the rest, not how much rest there is.
        assertThat(total - visible).isEqualTo(53L); // south 3 + east 50
    }

    @Test
    void complementAndTrackerDifferencesAreNoisyWithDp() {
        Map<String, DatasetRules> rules = Map.of("ds-visits", dp(5, 1.0, 1, Map.of()));
        Set<Long> differences = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            EnforcedResult all = Harness.run("SELECT count(*) FROM visits", rules, 10);
            EnforcedResult north = Harness.run("SELECT count(*) FROM visits WHERE region = 'north'", rules, 10);
            assertThat(all.microEpsilonSpent()).isEqualTo(1_000_000L); // every repetition is charged
            differences.add(count(all) - count(north));
        }
        assertThat(differences.size()).isGreaterThan(3);
    }

    @Test
    void thresholdProbingIsAnExactOracleWithoutDp() {
        String sql = "SELECT count(*) FROM visits WHERE region = 'south'"; // exactly 3 people
        for (int i = 0; i < 5; i++) {
            assertThat(Harness.run(sql, Map.of("ds-visits", k(3)), 10).table().rows()).hasSize(1);
            assertThat(Harness.run(sql, Map.of("ds-visits", k(4)), 10).table().rows()).isEmpty();
        }
    }

    @Test
    void thresholdProbingGetsOnlyNoisyAnswersWithDp() {
        String sql = "SELECT count(*) FROM visits WHERE region = 'south'";
        Set<Boolean> released = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            released.add(!Harness.run(sql, Map.of("ds-visits", dp(3, 1.0, 1, Map.of())), 10).table().rows().isEmpty());
        }
        assertThat(released).containsExactlyInAnyOrder(true, false);
    }

    @Test
    void outlierCannotDominateADpSum() {
        Map<String, DatasetRules> rules = Map.of("ds-visits", dp(1, 1.0, 3, Map.of("amount", new double[] {0, 100})));
        EnforcedResult r = Harness.run("SELECT sum(amount) FROM visits WHERE region = 'east'", rules, 10);
        // Person 23 holds 49 rows of 1e9; clamped and bounded to 3 rows the true sum is at most 300.
        List<List<Object>> rows = r.table().rows();
        if (!rows.isEmpty()) {
            assertThat((Double) rows.get(0).get(0)).isLessThan(1e5);
        }
    }
}
