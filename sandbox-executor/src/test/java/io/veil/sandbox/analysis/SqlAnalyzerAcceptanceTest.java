package io.veil.sandbox.analysis;

import static io.veil.sandbox.analysis.Fixtures.accepted;
import static org.assertj.core.api.Assertions.assertThat;

import io.veil.policy.Aggregate;
import io.veil.policy.ColumnUse;
import io.veil.policy.UseKind;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SqlAnalyzerAcceptanceTest {

    private static ColumnUse use(String ds, String col, UseKind kind, Aggregate agg) {
        return new ColumnUse(ds, col, kind, agg);
    }

    @Test
    void acceptsGroupedAggregateAndReportsEveryColumnUse() {
        AnalyzedQuery q = accepted("SELECT region, count(*), sum(amount) FROM visits "
                + "WHERE visit_date >= DATE '2024-01-01' GROUP BY region");
        assertThat(q.footprint().datasetIds()).containsExactly("ds-visits");
        assertThat(q.footprint().uses()).containsExactlyInAnyOrder(
                use("ds-visits", "region", UseKind.GROUP_BY, null),
                use("ds-visits", "region", UseKind.OUTPUT_RAW, null),
                use("ds-visits", "*", UseKind.AGGREGATE_ARG, Aggregate.COUNT),
                use("ds-visits", "amount", UseKind.AGGREGATE_ARG, Aggregate.SUM),
                use("ds-visits", "visit_date", UseKind.FILTER, null));
        assertThat(q.footprint().features()).containsExactlyInAnyOrder("GROUP_BY", "WHERE");
        assertThat(q.grouped()).isTrue();
        assertThat(q.items()).extracting(SelectItem::kind)
                .containsExactly(SelectItem.Kind.GROUP_KEY, SelectItem.Kind.AGGREGATE, SelectItem.Kind.AGGREGATE);
        assertThat(q.items()).extracting(SelectItem::name).containsExactly("region", "count_star()", "sum(amount)");
    }

    @Test
    void reportsJoinKeysForBothSidesOfAnInnerJoin() {
        AnalyzedQuery q = accepted("SELECT p.merchant, avg(v.amount) AS avg_amount FROM visits v "
                + "JOIN payments p ON v.card_no = p.card_no GROUP BY p.merchant");
        assertThat(q.footprint().datasetIds()).containsExactlyInAnyOrder("ds-visits", "ds-pay");
        assertThat(q.footprint().uses()).contains(
                use("ds-visits", "card_no", UseKind.JOIN_KEY, null),
                use("ds-pay", "card_no", UseKind.JOIN_KEY, null),
                use("ds-visits", "amount", UseKind.AGGREGATE_ARG, Aggregate.AVG));
        assertThat(q.footprint().features()).contains("JOIN");
        assertThat(q.items().get(1).argument().column().name()).isEqualTo("amount");
        assertThat(q.items().get(1).name()).isEqualTo("avg_amount");
    }

    @Test
    void allowsCountDistinctOfTheEntity() {
        AnalyzedQuery q = accepted("SELECT count(DISTINCT person_id) FROM visits");
        assertThat(q.footprint().uses()).containsExactly(use("ds-visits", "person_id", UseKind.AGGREGATE_ARG, Aggregate.COUNT));
        assertThat(q.items().get(0).distinct()).isTrue();
        assertThat(q.grouped()).isFalse();
    }

    @Test
    void matchesTableNamesCaseInsensitivelyAndByDatasetId() {
        assertThat(accepted("SELECT count(*) FROM VISITS").footprint().datasetIds()).containsExactly("ds-visits");
        assertThat(accepted("SELECT count(*) FROM ds_visits").footprint().datasetIds()).containsExactly("ds-visits");
        assertThat(accepted("SELECT count(*) FROM \"Visits\"").footprint().datasetIds()).containsExactly("ds-visits");
    }

    @Test
    void reportsConditionColumnsInsideAggregatesAsFilters() {
        AnalyzedQuery q = accepted("SELECT sum(amount) FILTER (WHERE region = 'north'), "
                + "count(*) FILTER (WHERE visit_date > DATE '2024-01-01') FROM visits");
        assertThat(q.footprint().uses()).contains(
                use("ds-visits", "region", UseKind.FILTER, null),
                use("ds-visits", "amount", UseKind.AGGREGATE_ARG, Aggregate.SUM),
                use("ds-visits", "visit_date", UseKind.FILTER, null));
        assertThat(q.items().get(0).argument().column().name()).isEqualTo("amount");
    }

    @Test
    void reportsOrderLimitDistinctAndHavingAsFeatures() {
        AnalyzedQuery q = accepted("SELECT DISTINCT region AS r, count(*) AS n FROM visits GROUP BY r "
                + "HAVING count(*) > 3 ORDER BY n DESC, 1 LIMIT 5");
        assertThat(q.footprint().features()).containsExactlyInAnyOrder("GROUP_BY", "HAVING", "ORDER_BY", "LIMIT", "DISTINCT");
        assertThat(q.limit()).isEqualTo(5L);
        assertThat(q.distinct()).isTrue();
        assertThat(q.hasHaving()).isTrue();
        assertThat(q.orderByAggregate()).isTrue();
        assertThat(q.footprint().uses()).contains(use("ds-visits", "region", UseKind.ORDER_BY, null));
    }

    @Test
    void ordersOnGroupKeysWithoutTouchingAggregates() {
        AnalyzedQuery q = accepted("SELECT year(visit_date), count(*) FROM visits GROUP BY 1 ORDER BY 1");
        assertThat(q.orderByAggregate()).isFalse();
        assertThat(q.items().get(0).kind()).isEqualTo(SelectItem.Kind.GROUP_KEY);
        assertThat(q.items().get(0).name()).isEqualTo("\"year\"(visit_date)");
    }

    @Test
    void acceptsAllowedScalarFunctionsOnDimensionsAndAggregates() {
        AnalyzedQuery q = accepted("SELECT date_trunc('month', visit_date) AS m, lower(coalesce(region, 'none')) AS r, "
                + "round(avg(amount), 2) AS a, sum(amount) / count(*) AS mean, min(amount), max(CAST(amount AS DOUBLE)) "
                + "FROM visits WHERE region IN ('a', 'b') AND amount BETWEEN 0 AND 100 AND NOT region IS NULL "
                + "GROUP BY m, r ORDER BY m");
        assertThat(q.items()).extracting(SelectItem::kind).containsExactly(SelectItem.Kind.GROUP_KEY,
                SelectItem.Kind.GROUP_KEY, SelectItem.Kind.EXPRESSION, SelectItem.Kind.EXPRESSION,
                SelectItem.Kind.AGGREGATE, SelectItem.Kind.AGGREGATE);
        assertThat(q.items().get(5).argument().column().name()).isEqualTo("amount");
        // METRIC in WHERE is reported, not judged: the policy engine refuses it by role.
        assertThat(q.footprint().uses()).contains(use("ds-visits", "amount", UseKind.FILTER, null));
    }

    @Test
    void qualifiesEveryColumnReferenceInTheNormalizedTree() {
        AnalyzedQuery q = accepted("SELECT region, sum(amount) FROM visits v GROUP BY region");
        String tree = q.normalized().toString();
        assertThat(tree).contains("[\"v\",\"region\"]").contains("[\"v\",\"amount\"]").doesNotContain("[\"region\"]");
    }

    @Test
    void footprintNeverContainsLiterals() {
        AnalyzedQuery q = accepted("SELECT count(*) FROM visits WHERE region = 'very-secret-literal'");
        assertThat(q.footprint().toString()).doesNotContain("very-secret-literal");
        assertThat(q.footprint().features()).isSubsetOf(Set.of("LIMIT", "ORDER_BY", "DISTINCT", "HAVING", "JOIN", "WHERE", "GROUP_BY"));
    }
}
