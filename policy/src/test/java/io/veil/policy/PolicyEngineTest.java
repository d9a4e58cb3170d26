package io.veil.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static io.veil.policy.Fixtures.CONSUMER;
import static io.veil.policy.Fixtures.DS;
import static io.veil.policy.Fixtures.NOW;
import static io.veil.policy.Fixtures.agg;
import static io.veil.policy.Fixtures.agreed;
import static io.veil.policy.Fixtures.offer;
import static io.veil.policy.Fixtures.roles;
import static io.veil.policy.Fixtures.sql;
import static io.veil.policy.Fixtures.use;
import static io.veil.policy.Fixtures.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class PolicyEngineTest {
    private final PolicyEngine engine = new PolicyEngine();

    /** SELECT district, SUM(income) FROM residents GROUP BY district */
    private static final QueryFootprint SUM_BY_DISTRICT = sql(use("district", UseKind.OUTPUT_RAW),
            use("district", UseKind.GROUP_BY), agg("income", Aggregate.SUM));

    private Decision eval(QueryFootprint f) {
        return engine.evaluate(agreed(), offer(), roles(), f, CONSUMER, ZoneTier.SOCIAL, NOW, 0);
    }

    private Decision eval(Offer o, QueryFootprint f) {
        return engine.evaluate(agreed(), o, roles(), f, CONSUMER, ZoneTier.SOCIAL, NOW, 0);
    }

    @Test
    void permitsAnAllowedAggregateQuery() {
        assertThat(eval(SUM_BY_DISTRICT)).isEqualTo(Decision.permit());
    }

    @Test
    void permitsCountStarAndDistinctEntityCount() {
        assertThat(eval(sql(agg("*", Aggregate.COUNT), agg("person_id", Aggregate.COUNT))).permitted()).isTrue();
    }

    @Test
    void permitsJoinOnListedJoinKey() {
        assertThat(eval(sql(use("person_id", UseKind.JOIN_KEY), agg("income", Aggregate.AVG))).permitted()).isTrue();
    }

    @Test
    void deniesWhenContractIsNotAgreed() {
        Decision d = engine.evaluate(agreed().withState(ContractState.REQUESTED), offer(), roles(), SUM_BY_DISTRICT,
                CONSUMER, ZoneTier.SOCIAL, NOW, 0);
        assertThat(d.codes()).containsExactly("CONTRACT_NOT_AGREED");
    }

    @Test
    void deniesAnotherOrganisation() {
        Decision d = engine.evaluate(agreed(), offer(), roles(), SUM_BY_DISTRICT, "other-org", ZoneTier.SOCIAL, NOW, 0);
        assertThat(d.codes()).containsExactly("CONTRACT_WRONG_ORG");
    }

    @Test
    void deniesAtAndAfterValidUntil() {
        Instant until = agreed().validUntil();
        for (Instant t : List.of(until, until.plusSeconds(1))) {
            Decision d = engine.evaluate(agreed(), offer(), roles(), SUM_BY_DISTRICT, CONSUMER, ZoneTier.SOCIAL, t, 0);
            assertThat(d.codes()).containsExactly("CONTRACT_EXPIRED");
        }
    }

    @Test
    void deniesBeforeValidFrom() {
        Decision d = engine.evaluate(agreed(), offer(), roles(), SUM_BY_DISTRICT, CONSUMER, ZoneTier.SOCIAL,
                agreed().validFrom().minusSeconds(1), 0);
        assertThat(d.codes()).containsExactly("CONTRACT_NOT_YET_VALID");
    }

    @Test
    void aContractNeverOutlivesItsOffer() {
        Offer shortOffer = OfferParser.parse(with("validUntil", "2026-03-01T00:00:00Z")).value();
        assertThat(eval(shortOffer, SUM_BY_DISTRICT).codes()).containsExactly("CONTRACT_EXPIRED");
    }

    @Test
    void deniesAPurposeTheOfferDoesNotList() {
        Contract c = new Contract("c-1", "o-1", Fixtures.PROVIDER, CONSUMER, "marketing", ContractState.AGREED,
                agreed().validFrom(), agreed().validUntil(), agreed().createdAt());
        Decision d = engine.evaluate(c, offer(), roles(), SUM_BY_DISTRICT, CONSUMER, ZoneTier.SOCIAL, NOW, 0);
        assertThat(d.codes()).containsExactly("PURPOSE_NOT_ALLOWED");
    }

    @Test
    void deniesWhenQuotaIsUsedUp() {
        assertThat(engine.evaluate(agreed(), offer(), roles(), SUM_BY_DISTRICT, CONSUMER, ZoneTier.SOCIAL, NOW, 99).permitted()).isTrue();
        assertThat(engine.evaluate(agreed(), offer(), roles(), SUM_BY_DISTRICT, CONSUMER, ZoneTier.SOCIAL, NOW, 100).codes())
                .containsExactly("QUOTA_EXHAUSTED");
    }

    @Test
    void deniesARequesterFromATierNotAssigned() {
        Offer socialOnly = OfferParser.parse(with("assignees", Map.of("orgs", List.of(CONSUMER), "zoneTiers", List.of("SOCIAL")))).value();
        assertThat(engine.evaluate(agreed(), socialOnly, roles(), SUM_BY_DISTRICT, CONSUMER, ZoneTier.PUBLIC, NOW, 0).codes())
                .containsExactly("ASSIGNEE_TIER_NOT_ALLOWED");
        assertThat(engine.evaluate(agreed(), socialOnly, roles(), SUM_BY_DISTRICT, CONSUMER, null, NOW, 0).codes())
                .containsExactly("ASSIGNEE_TIER_NOT_ALLOWED");
    }

    @Test
    void deniesAConsumerNoLongerAmongTheAssignees() {
        Offer other = OfferParser.parse(with("assignees", Map.of("orgs", List.of("someone-else"), "zoneTiers", List.of("SOCIAL")))).value();
        assertThat(eval(other, SUM_BY_DISTRICT).codes()).containsExactly("ASSIGNEE_ORG_NOT_ALLOWED");
    }

    @Test
    void wildcardAssigneeAdmitsAnyOrganisation() {
        Offer any = OfferParser.parse(with("assignees", Map.of("orgs", List.of("*"), "zoneTiers", List.of("SOCIAL")))).value();
        assertThat(eval(any, SUM_BY_DISTRICT).permitted()).isTrue();
    }

    @Test
    void deniesAJobTypeTheOfferDoesNotAllow() {
        QueryFootprint psi = new QueryFootprint(JobType.PSI_COUNT, Set.of(DS), List.of(use("person_id", UseKind.JOIN_KEY)), Set.of());
        assertThat(eval(psi).codes()).containsExactly("JOB_TYPE_NOT_ALLOWED");
    }

    @Test
    void deniesADatasetOutsideTheContract() {
        QueryFootprint f = new QueryFootprint(JobType.SQL, Set.of(DS, "ds-other"),
                List.of(agg("income", Aggregate.SUM), new ColumnUse("ds-other", "x", UseKind.OUTPUT_RAW, null)), Set.of());
        assertThat(eval(f).codes()).containsExactly("DATASET_NOT_IN_CONTRACT");
    }

    @Test
    void deniesWhenRolesOfADatasetAreMissing() {
        Decision d = engine.evaluate(agreed(), offer(), Map.of(), SUM_BY_DISTRICT, CONSUMER, ZoneTier.SOCIAL, NOW, 0);
        assertThat(d.codes()).containsExactly("DATASET_ROLES_MISSING");
    }

    @Test
    void deniesAnUnknownColumn() {
        assertThat(eval(sql(agg("salary", Aggregate.SUM))).codes()).containsExactly("UNKNOWN_COLUMN");
    }

    @Test
    void deniesAColumnWithoutRole() {
        Map<String, ColumnRole> t = new HashMap<>(roles().get(DS));
        t.put("income", null);
        Decision d = engine.evaluate(agreed(), offer(), Map.of(DS, t), SUM_BY_DISTRICT, CONSUMER, ZoneTier.SOCIAL, NOW, 0);
        assertThat(d.codes()).containsExactly("COLUMN_ROLE_MISSING");
    }

    static Stream<Arguments> forbiddenUses() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String protectedColumn : List.of("person_id", "birth_date", "phone_hash")) {
            for (UseKind k : List.of(UseKind.OUTPUT_RAW, UseKind.GROUP_BY, UseKind.FILTER, UseKind.ORDER_BY)) {
                b.add(arguments(use(protectedColumn, k)));
            }
        }
        for (String valueColumn : List.of("income", "diagnosis")) {
            for (UseKind k : List.of(UseKind.OUTPUT_RAW, UseKind.GROUP_BY, UseKind.FILTER, UseKind.ORDER_BY, UseKind.JOIN_KEY)) {
                b.add(arguments(use(valueColumn, k)));
            }
        }
        b.add(arguments(agg("person_id", Aggregate.SUM)));
        b.add(arguments(agg("birth_date", Aggregate.COUNT)));
        b.add(arguments(use("birth_date", UseKind.JOIN_KEY)));
        b.add(arguments(agg("phone_hash", Aggregate.COUNT)));
        b.add(arguments(agg("district", Aggregate.SUM)));
        b.add(arguments(use("district", UseKind.JOIN_KEY)));
        return b.build();
    }

    @ParameterizedTest
    @MethodSource("forbiddenUses")
    void columnRoleForbidsUse(ColumnUse u) {
        assertThat(eval(sql(u)).codes()).contains("COLUMN_ROLE_FORBIDDEN");
    }

    @Test
    void entityIdCanNeverBeGroupedOrFiltered() {
        assertThat(eval(sql(use("person_id", UseKind.GROUP_BY), use("person_id", UseKind.FILTER))).codes())
                .containsExactly("COLUMN_ROLE_FORBIDDEN");
    }

    @Test
    void deniesAnAggregateTheRulesDoNotList() {
        assertThat(eval(sql(agg("income", Aggregate.MAX))).codes()).containsExactly("AGGREGATE_NOT_ALLOWED");
        assertThat(eval(sql(agg("debt", Aggregate.SUM))).codes()).containsExactly("AGGREGATE_NOT_ALLOWED");
    }

    @Test
    void deniesCountStarWithoutWildcardEntry() {
        Offer o = OfferParser.parse(with("rules.aggregates", Map.of("income", List.of("SUM")))).value();
        assertThat(eval(o, sql(agg("*", Aggregate.COUNT))).codes()).containsExactly("AGGREGATE_NOT_ALLOWED");
    }

    @Test
    void deniesMinMaxUnderPrivacyEvenIfAnOfferListsThem() {
        Offer base = offer();
        Offer o = Fixtures.withRules(base, Fixtures.rules(Map.of("income", EnumSet.of(Aggregate.MIN, Aggregate.MAX)),
                List.of("district"), List.of(), false, true), base.privacy());
        assertThat(eval(o, sql(agg("income", Aggregate.MIN))).codes()).containsExactly("AGGREGATE_NOT_DP_SAFE");
    }

    @Test
    void deniesUnboundedSumUnderPrivacy() {
        Offer base = offer();
        Offer o = Fixtures.withRules(base, Fixtures.rules(Map.of("debt", EnumSet.of(Aggregate.SUM)),
                List.of("district"), List.of(), false, true), base.privacy());
        assertThat(eval(o, sql(agg("debt", Aggregate.SUM))).codes()).containsExactly("PRIVACY_BOUNDS_MISSING");
    }

    @Test
    void minMaxArePermittedWithoutPrivacyWhenListed() {
        Offer base = offer();
        Offer o = Fixtures.withRules(base, Fixtures.rules(Map.of("income", EnumSet.of(Aggregate.MAX)),
                List.of("district"), List.of(), false, true), Optional.empty());
        assertThat(eval(o, sql(agg("income", Aggregate.MAX))).permitted()).isTrue();
    }

    @Test
    void deniesADimensionTheOfferDoesNotList() {
        assertThat(eval(sql(use("region", UseKind.GROUP_BY), agg("income", Aggregate.SUM))).codes())
                .containsExactly("DIMENSION_NOT_ALLOWED");
    }

    @Test
    void deniesAJoinKeyTheOfferDoesNotList() {
        assertThat(eval(sql(use("phone_hash", UseKind.JOIN_KEY))).codes()).containsExactly("JOIN_KEY_NOT_ALLOWED");
    }

    @Test
    void limitNeedsAllowLimit() {
        QueryFootprint f = new QueryFootprint(JobType.SQL, Set.of(DS), SUM_BY_DISTRICT.uses(), Set.of("LIMIT"));
        assertThat(eval(f).codes()).containsExactly("FEATURE_NOT_ALLOWED");
        Offer o = OfferParser.parse(with("rules.allowLimit", true)).value();
        assertThat(eval(o, f).permitted()).isTrue();
    }

    @Test
    void orderByCanBeSwitchedOff() {
        Offer o = OfferParser.parse(with("rules.allowOrderBy", false)).value();
        QueryFootprint f = new QueryFootprint(JobType.SQL, Set.of(DS),
                List.of(use("district", UseKind.ORDER_BY), agg("income", Aggregate.SUM)), Set.of("ORDER_BY"));
        assertThat(eval(o, f).codes()).containsExactly("FEATURE_NOT_ALLOWED");
        assertThat(eval(f).permitted()).isTrue();
    }

    @Test
    void deniesAnUnknownFeature() {
        QueryFootprint f = new QueryFootprint(JobType.SQL, Set.of(DS), SUM_BY_DISTRICT.uses(), Set.of("DISTINCT", "WINDOW"));
        assertThat(eval(f).codes()).containsExactly("POLICY_UNKNOWN_FEATURE");
    }

    static Stream<Arguments> malformedFootprints() {
        return Stream.of(
                arguments(sql(new ColumnUse(DS, "income", UseKind.AGGREGATE_ARG, null))),
                arguments(sql(new ColumnUse(DS, "district", UseKind.FILTER, Aggregate.COUNT))),
                arguments(sql(new ColumnUse(null, "district", UseKind.FILTER, null))),
                arguments(sql(new ColumnUse(DS, "district", null, null))),
                arguments(sql(new ColumnUse(DS, "*", UseKind.OUTPUT_RAW, null))),
                arguments(new QueryFootprint(JobType.SQL, Set.of(), List.of(), Set.of())),
                arguments(new QueryFootprint(null, Set.of(DS), List.of(agg("income", Aggregate.SUM)), Set.of())));
    }

    @ParameterizedTest
    @MethodSource("malformedFootprints")
    void deniesAMalformedFootprint(QueryFootprint f) {
        assertThat(eval(f).codes()).contains("FOOTPRINT_MALFORMED");
    }

    @Test
    void deniesAUseOfADatasetTheFootprintDoesNotList() {
        Offer o = OfferParser.parse(with("datasetIds", List.of(DS, "ds-tax"))).value();
        QueryFootprint f = new QueryFootprint(JobType.SQL, Set.of(DS),
                List.of(new ColumnUse("ds-tax", "income", UseKind.AGGREGATE_ARG, Aggregate.SUM)), Set.of());
        assertThat(eval(o, f).codes()).contains("FOOTPRINT_MALFORMED");
    }

    @Test
    void deniesMissingInputs() {
        assertThat(engine.evaluate(null, offer(), roles(), SUM_BY_DISTRICT, CONSUMER, ZoneTier.SOCIAL, NOW, 0).codes())
                .containsExactly("POLICY_INVALID_INPUT");
        assertThat(engine.evaluate(agreed(), offer(), roles(), SUM_BY_DISTRICT, CONSUMER, ZoneTier.SOCIAL, NOW, -1).codes())
                .containsExactly("POLICY_INVALID_INPUT");
    }

    @Test
    void collectsAllReasonsSortedByCode() {
        QueryFootprint f = new QueryFootprint(JobType.PSI_SUM, Set.of(DS),
                List.of(use("person_id", UseKind.OUTPUT_RAW), agg("income", Aggregate.MAX), use("region", UseKind.FILTER),
                        agg("salary", Aggregate.SUM)), Set.of("LIMIT", "PIVOT"));
        Decision d = engine.evaluate(agreed().withState(ContractState.REVOKED), offer(), roles(), f, "other-org",
                ZoneTier.SOCIAL, agreed().validUntil(), 100);
        assertThat(d.permitted()).isFalse();
        assertThat(d.codes()).containsExactly("AGGREGATE_NOT_ALLOWED", "COLUMN_ROLE_FORBIDDEN", "CONTRACT_EXPIRED",
                "CONTRACT_NOT_AGREED", "CONTRACT_WRONG_ORG", "DIMENSION_NOT_ALLOWED", "FEATURE_NOT_ALLOWED",
                "JOB_TYPE_NOT_ALLOWED", "POLICY_UNKNOWN_FEATURE", "QUOTA_EXHAUSTED", "UNKNOWN_COLUMN");
    }

    @Test
    void reasonsQuoteColumnNamesDefensively() {
        String longName = "x".repeat(500) + "\n";
        Decision d = eval(sql(agg(longName, Aggregate.SUM)));
        assertThat(d.reasons()).singleElement().satisfies(r -> {
            assertThat(r.message()).doesNotContain("\n").hasSizeLessThan(200);
        });
    }

    @Test
    void requestChecksAssigneesPurposeAndValidity() {
        Offer o = offer();
        assertThat(engine.evaluateRequest(o, CONSUMER, ZoneTier.SOCIAL, "research", NOW).permitted()).isTrue();
        assertThat(engine.evaluateRequest(o, "other-org", ZoneTier.SOCIAL, "marketing", o.validUntil()).codes())
                .containsExactly("ASSIGNEE_ORG_NOT_ALLOWED", "OFFER_EXPIRED", "PURPOSE_NOT_ALLOWED");
    }

    @Test
    void aMultiContractJobIsEvaluatedPerContractOnItsOwnDatasets() {
        QueryFootprint f = new QueryFootprint(JobType.SQL, Set.of(DS, "ds-other"), List.of(use("person_id", UseKind.JOIN_KEY),
                new ColumnUse("ds-other", "person_id", UseKind.JOIN_KEY, null), agg("income", Aggregate.SUM)), Set.of("JOIN"));
        assertThat(eval(f).codes()).containsExactly("DATASET_NOT_IN_CONTRACT");
        QueryFootprint mine = f.restrictedTo(Set.of(DS));
        assertThat(mine.datasetIds()).containsExactly(DS);
        assertThat(mine.uses()).hasSize(2);
        assertThat(eval(mine).permitted()).isTrue();
    }
}
