package io.veil.sandbox.plan;

import static io.veil.sandbox.plan.Harness.dp;
import static org.assertj.core.api.Assertions.assertThat;

import io.veil.sandbox.ResultTable;
import io.veil.sandbox.analysis.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A failed DP run is released as an empty table indistinguishable in shape from a successful release. */
class EmptyReleaseTest {
    @Test
    void failedDpRunReleasesTheShapeOfASuccessWithNoRows() {
        Map<String, DatasetRules> rules = Map.of("ds-people", dp(1, 1.0, 1, Map.of("income", new double[] {0, 1e6})));
        for (String sql : List.of(
                "SELECT region, count(*) AS n, sum(income) AS s, avg(income) AS a FROM people GROUP BY region",
                "SELECT year(joined) AS y, floor_no, count(DISTINCT band) FROM people GROUP BY 1, 2",
                "SELECT count(*) FROM people WHERE joined > '2020-02-01'",
                "SELECT date_trunc('month', joined) AS m, lower(band) AS b, count(*) FILTER (WHERE rate > 1) FROM people GROUP BY m, b")) {
            ExecutionPlan plan = Harness.plan(sql, rules, 100);
            ResultTable success = Harness.run(sql, rules, 100).table();
            ResultTable empty = EmptyRelease.of(plan, Map.of("ds-people", Fixtures.PEOPLE.columns()));
            assertThat(empty.columns()).as(sql).isEqualTo(success.columns());
            assertThat(empty.types()).as(sql).isEqualTo(success.types());
            assertThat(empty.rows()).isEmpty();
        }
    }
}
