package io.veil.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.veil.policy.Fixtures.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class OfferRoleConsistencyTest {

    private static Result<Offer> check(String json) {
        return OfferParser.validateAgainst(OfferParser.parse(json).value(), Fixtures.roles());
    }

    @Test
    void documentedExampleFitsTheRoles() {
        assertThat(OfferParser.validateAgainst(Fixtures.offer(), Fixtures.roles()).isOk()).isTrue();
    }

    @Test
    void entityIdCanNeverBeADimension() {
        assertThat(check(with("rules.dimensions", List.of("person_id"))).violations())
                .extracting(Violation::code, Violation::path).containsExactly(tuple("OFFER_ROLE_CONFLICT", "rules.dimensions"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"person_id", "birth_date", "phone_hash", "diagnosis", "income"})
    void onlyDimensionColumnsCanBeDimensions(String column) {
        assertThat(check(with("rules.dimensions", List.of("district", column))).violations())
                .extracting(Violation::code, Violation::path).containsExactly(tuple("OFFER_ROLE_CONFLICT", "rules.dimensions"));
    }

    static Stream<Arguments> conflicts() {
        return Stream.of(
                arguments("aggregateOnDimensionConflicts", "rules.aggregates", Map.of("district", List.of("COUNT")), "rules.aggregates.district"),
                arguments("aggregateOnEntityIdConflicts", "rules.aggregates", Map.of("person_id", List.of("COUNT")), "rules.aggregates.person_id"),
                arguments("aggregateOnQuasiIdentifierConflicts", "rules.aggregates", Map.of("birth_date", List.of("COUNT")), "rules.aggregates.birth_date"),
                arguments("dimensionAsJoinKeyConflicts", "rules.joinKeys", List.of("district"), "rules.joinKeys"),
                arguments("metricAsJoinKeyConflicts", "rules.joinKeys", List.of("income"), "rules.joinKeys"),
                arguments("boundsOnSensitiveConflict", "privacy.contributionBounds", Map.of("income", List.of(0, 1), "diagnosis", List.of(0, 1)), "privacy.contributionBounds.diagnosis"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conflicts")
    void rulesMustFitColumnRoles(String behaviour, String path, Object value, String violationPath) {
        assertThat(check(with(path, value)).violations()).as(behaviour)
                .extracting(Violation::code, Violation::path).containsExactly(tuple("OFFER_ROLE_CONFLICT", violationPath));
    }

    @Test
    void sensitiveAndMetricColumnsMayBeAggregated() {
        String json = with("rules.aggregates", Map.of("diagnosis", List.of("COUNT"), "income", List.of("SUM"), "*", List.of("COUNT")));
        assertThat(check(json).isOk()).isTrue();
    }

    @Test
    void joinKeyAndEntityIdColumnsMayBeJoinKeys() {
        assertThat(check(with("rules.joinKeys", List.of("person_id", "phone_hash"))).isOk()).isTrue();
    }

    @Test
    void referencedColumnsMustExist() {
        assertThat(check(with("rules.dimensions", List.of("district", "street"))).violations())
                .extracting(Violation::code, Violation::path).containsExactly(tuple("OFFER_UNKNOWN_COLUMN", "rules.dimensions"));
    }

    @Test
    void offeredDatasetsMustBeKnown() {
        Offer o = OfferParser.parse(with("datasetIds", List.of("ds-residents", "ds-missing"))).value();
        assertThat(OfferParser.validateAgainst(o, Fixtures.roles()).violations())
                .extracting(Violation::code, Violation::path).containsExactly(tuple("OFFER_UNKNOWN_DATASET", "datasetIds"));
    }

    @Test
    void aColumnWithoutARoleIsRejected() {
        Map<String, ColumnRole> t = new HashMap<>(Fixtures.roles().get(Fixtures.DS));
        t.put("notes", null);
        assertThat(OfferParser.validateAgainst(Fixtures.offer(), Map.of(Fixtures.DS, t)).violations())
                .extracting(Violation::code).containsExactly("OFFER_COLUMN_ROLE_MISSING");
    }

    @Test
    void aColumnNameMustFitItsRoleInEveryOfferedDataset() {
        Map<String, ColumnRole> tax = new LinkedHashMap<>();
        tax.put("district", ColumnRole.QUASI_IDENTIFIER);
        Map<String, Map<String, ColumnRole>> roles = new HashMap<>(Fixtures.roles());
        roles.put(Fixtures.OTHER_DS, tax);
        Offer o = OfferParser.parse(with("datasetIds", List.of(Fixtures.DS, Fixtures.OTHER_DS))).value();
        assertThat(OfferParser.validateAgainst(o, roles).violations())
                .extracting(Violation::code, Violation::path).containsExactly(tuple("OFFER_ROLE_CONFLICT", "rules.dimensions"));
    }
}
