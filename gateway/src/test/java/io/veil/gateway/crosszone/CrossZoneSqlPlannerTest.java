package io.veil.gateway.crosszone;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cross-zone planner accepts exactly the aggregate-then-combine shape and refuses everything else with its code. */
class CrossZoneSqlPlannerTest {
    static final Map<String, String> RESIDENTS = Map.of("person_id", "ENTITY_ID", "district", "DIMENSION", "age_band", "DIMENSION",
            "contribution", "METRIC", "birth_date", "QUASI_IDENTIFIER");
    static final Map<String, String> BANK = Map.of("person_id", "JOIN_KEY", "district", "DIMENSION", "loan_amount", "METRIC");
    static final CrossZoneSqlPlanner PLANNER = new CrossZoneSqlPlanner(Map.of(
            "public_residents", new CrossZoneSqlPlanner.Table("zone-public", "11111111-1111-1111-1111-111111111111", RESIDENTS),
            "public_other", new CrossZoneSqlPlanner.Table("zone-public", "22222222-2222-2222-2222-222222222222", RESIDENTS),
            "bank_customers", new CrossZoneSqlPlanner.Table("zone-social", "33333333-3333-3333-3333-333333333333", BANK),
            "bank_branches", new CrossZoneSqlPlanner.Table("zone-social", "44444444-4444-4444-4444-444444444444", BANK)),
            Set.of("twice"));

    static final String P = "(SELECT district, COUNT(*) AS residents, AVG(contribution) AS avg_contribution FROM public_residents GROUP BY district) p";
    static final String S = "(SELECT district, SUM(loan_amount) AS loans FROM bank_customers GROUP BY district) s";

    @Test
    void theDocumentedShapeSplitsIntoOneJobPerZoneAndACombineOverTheReleasedParts() {
        CrossZoneSqlPlanner.Plan plan = PLANNER.plan("SELECT p.district, p.residents, p.avg_contribution, s.loans, s.loans / p.residents AS per_resident"
                + " FROM " + P + " JOIN " + S + " ON p.district = s.district ORDER BY p.district");
        assertThat(plan.parts()).extracting(CrossZoneSqlPlanner.Part::zone).containsExactly("zone-public", "zone-social");
        assertThat(plan.parts()).extracting(CrossZoneSqlPlanner.Part::internalName).containsExactly("t0", "t1");
        assertThat(plan.parts().get(0).outputs()).containsExactly("district", "residents", "avg_contribution");
        assertThat(plan.parts().get(0).datasetIds()).containsExactly("11111111-1111-1111-1111-111111111111");
        assertThat(plan.parts().get(0).sql()).containsIgnoringCase("public_residents").containsIgnoringCase("group by");
        assertThat(plan.parts().get(1).sql()).containsIgnoringCase("bank_customers").doesNotContainIgnoringCase("public_residents");
        assertThat(plan.outputs()).containsExactly("district", "residents", "avg_contribution", "loans", "per_resident");
        // The combine reads only the released part tables.
        assertThat(plan.combineSql()).contains("t0").contains("t1").doesNotContainIgnoringCase("public_residents")
                .doesNotContainIgnoringCase("bank_customers");
    }

    @Test
    void groupColumnsMayBeEquatedExplicitlyAndPartsMayJoinSeveralTablesOfOneZone() {
        CrossZoneSqlPlanner.Plan plan = PLANNER.plan("SELECT p.district AS d, p.n, s.loans FROM "
                + "(SELECT r.district, COUNT(*) AS n FROM public_residents r JOIN public_other o ON r.person_id = o.person_id GROUP BY r.district) p "
                + "JOIN (SELECT district AS region, SUM(loan_amount) AS loans FROM bank_customers GROUP BY district) s ON p.district = s.region");
        assertThat(plan.parts().get(0).datasetIds()).hasSize(2);
        assertThat(plan.parts().get(1).outputs()).containsExactly("region", "loans");
        assertThat(plan.outputs()).containsExactly("d", "n", "loans");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "CROSS_ZONE_ROW_LEVEL_JOIN|SELECT COUNT(*) AS n FROM public_residents r JOIN bank_customers b ON r.person_id = b.person_id",
            "CROSS_ZONE_ROW_LEVEL_JOIN|SELECT b.district, p.residents FROM bank_customers b JOIN " + P + " ON b.district = p.district",
            "CROSS_ZONE_SHAPE_UNSUPPORTED|SELECT district, COUNT(*) AS n FROM public_residents GROUP BY district",
            "CROSS_ZONE_SHAPE_UNSUPPORTED|SELECT p.district FROM " + P + " JOIN " + S + " ON p.district = s.district WHERE s.loans > 100",
            "CROSS_ZONE_SHAPE_UNSUPPORTED|SELECT p.district FROM " + P + " JOIN " + S + " ON p.district = s.district LIMIT 3",
            "CROSS_ZONE_SHAPE_UNSUPPORTED|SELECT p.district FROM " + P + " JOIN (SELECT district, COUNT(*) AS n FROM (SELECT * FROM bank_customers) x GROUP BY district) s ON p.district = s.district",
            "CROSS_ZONE_SHAPE_UNSUPPORTED|SELECT p.district FROM " + P + " JOIN (SELECT district, COUNT(*) AS n FROM bank_customers GROUP BY ROLLUP(district)) s ON p.district = s.district",
            "CROSS_ZONE_JOIN_UNSUPPORTED|SELECT p.district FROM " + P + " LEFT JOIN " + S + " ON p.district = s.district",
            "CROSS_ZONE_JOIN_UNSUPPORTED|SELECT p.district FROM " + P + " JOIN " + S + " ON p.district <> s.district",
            "CROSS_ZONE_JOIN_UNSUPPORTED|SELECT p.district FROM " + P + ", " + S,
            "CROSS_ZONE_JOIN_NOT_ON_GROUPS|SELECT p.district FROM " + P + " JOIN " + S + " ON p.residents = s.loans",
            "CROSS_ZONE_JOIN_NOT_ON_GROUPS|SELECT p.district FROM (SELECT district, age_band, COUNT(*) AS n FROM public_residents GROUP BY district, age_band) p JOIN " + S + " ON p.district = s.district",
            "CROSS_ZONE_JOIN_NOT_ON_GROUPS|SELECT p.n FROM (SELECT COUNT(*) AS n FROM public_residents) p JOIN (SELECT COUNT(*) AS m FROM bank_customers) s ON p.n = s.m",
            "CROSS_ZONE_GROUP_NOT_DIMENSION|SELECT p.n FROM (SELECT person_id, COUNT(*) AS n FROM public_residents GROUP BY person_id) p JOIN (SELECT person_id, SUM(loan_amount) AS l FROM bank_customers GROUP BY person_id) s ON p.person_id = s.person_id",
            "CROSS_ZONE_GROUP_NOT_DIMENSION|SELECT p.n FROM (SELECT year(birth_date) AS y, COUNT(*) AS n FROM public_residents GROUP BY year(birth_date)) p JOIN " + S + " ON p.y = s.district",
            "CROSS_ZONE_AGGREGATE_UNSUPPORTED|SELECT p.district FROM (SELECT district, MEDIAN(contribution) AS m FROM public_residents GROUP BY district) p JOIN " + S + " ON p.district = s.district",
            "CROSS_ZONE_AGGREGATE_UNSUPPORTED|SELECT p.district FROM (SELECT district, COUNT(DISTINCT person_id) AS m FROM public_residents GROUP BY district) p JOIN " + S + " ON p.district = s.district",
            "CROSS_ZONE_AGGREGATE_UNSUPPORTED|SELECT SUM(p.residents) AS total FROM " + P + " JOIN " + S + " ON p.district = s.district",
            "CROSS_ZONE_PART_SPANS_ZONES|SELECT p.district FROM (SELECT r.district, COUNT(*) AS n FROM public_residents r JOIN bank_customers b ON r.person_id = b.person_id GROUP BY r.district) p JOIN " + S + " ON p.district = s.district",
            "CROSS_ZONE_CONTRACT_MISSING|SELECT p.district FROM (SELECT district, COUNT(*) AS n FROM tax_records GROUP BY district) p JOIN " + S + " ON p.district = s.district",
            "CROSS_ZONE_TABLE_AMBIGUOUS|SELECT p.district FROM (SELECT district, COUNT(*) AS n FROM twice GROUP BY district) p JOIN " + S + " ON p.district = s.district",
            "CROSS_ZONE_SINGLE_ZONE|SELECT s.district FROM (SELECT district, COUNT(*) AS n FROM bank_branches GROUP BY district) b JOIN " + S + " ON b.district = s.district",
            "CROSS_ZONE_EXPRESSION_UNSUPPORTED|SELECT p.district, md5(s.district) AS h FROM " + P + " JOIN " + S + " ON p.district = s.district",
            "CROSS_ZONE_OUTPUT_NAME_INVALID|SELECT p.district, s.loans / p.residents FROM " + P + " JOIN " + S + " ON p.district = s.district",
            "CROSS_ZONE_OUTPUT_NAME_INVALID|SELECT p.district FROM (SELECT district, COUNT(*) FROM public_residents GROUP BY district) p JOIN " + S + " ON p.district = s.district",
            "CROSS_ZONE_UNKNOWN_COLUMN|SELECT p.district, s.nothing FROM " + P + " JOIN " + S + " ON p.district = s.district",
            "CROSS_ZONE_UNKNOWN_COLUMN|SELECT district FROM " + P + " JOIN " + S + " ON p.district = s.district",
            "SQL_PARSE_ERROR|SELECT FROM WHERE (",
            "SQL_MULTIPLE_STATEMENTS|SELECT 1; SELECT 2",
    })
    void everyOtherShapeIsRefusedWithItsCode(String code, String sql) {
        assertThatThrownBy(() -> PLANNER.plan(sql)).isInstanceOfSatisfying(CrossZoneSqlPlanner.Refusal.class,
                r -> assertThat(r.code).as(r.getMessage()).isEqualTo(code));
    }

    @Test
    void refusalsNeverEchoLiterals() {
        assertThatThrownBy(() -> PLANNER.plan("SELECT p.district, 'secret-value-42' || s.district AS x FROM " + P + " JOIN " + S
                + " ON p.district = s.district")).isInstanceOfSatisfying(CrossZoneSqlPlanner.Refusal.class,
                r -> assertThat(r.getMessage()).doesNotContain("secret-value-42"));
    }
}
