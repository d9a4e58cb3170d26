package io.veil.policy;

import com.fasterxml.jackson.databind.node.NullNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

import static io.veil.policy.Fixtures.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class OfferParserTest {

    static Stream<Arguments> failClosedCases() {
        return Stream.of(
                arguments("rejectsUnknownTopLevelField", with("foo", 1), "OFFER_UNKNOWN_FIELD", "foo"),
                arguments("rejectsUnknownNestedField", with("rules.maxRows", 5), "OFFER_UNKNOWN_FIELD", "rules.maxRows"),
                arguments("rejectsUnknownAssigneeField", with("assignees.roles", List.of("x")), "OFFER_UNKNOWN_FIELD", "assignees.roles"),
                arguments("rejectsUnknownPrivacyField", with("privacy.delta", 1e-6), "OFFER_UNKNOWN_FIELD", "privacy.delta"),
                arguments("rejectsUnknownPriceField", with("price.discount", "1.00"), "OFFER_UNKNOWN_FIELD", "price.discount"),
                arguments("rejectsUnknownConstraintObject", with("constraints", Map.of("region", "EU")), "OFFER_UNKNOWN_FIELD", "constraints"),
                arguments("rejectsMissingDatasets", with("datasetIds", null), "OFFER_MISSING_FIELD", "datasetIds"),
                arguments("rejectsMissingMinEntities", with("rules.minEntities", null), "OFFER_MISSING_FIELD", "rules.minEntities"),
                arguments("rejectsMissingMaxOutputRows", with("rules.maxOutputRows", null), "OFFER_MISSING_FIELD", "rules.maxOutputRows"),
                arguments("rejectsMissingCurrency", with("price.currency", null), "OFFER_MISSING_FIELD", "price.currency"),
                arguments("rejectsMissingAmountForPaidModel", with("price.amount", null), "OFFER_MISSING_FIELD", "price.amount"),
                arguments("rejectsMissingApproval", with("approval", null), "OFFER_MISSING_FIELD", "approval"),
                arguments("rejectsEmptyDatasetList", with("datasetIds", List.of()), "OFFER_EMPTY_LIST", "datasetIds"),
                arguments("rejectsEmptyZoneTiers", with("assignees.zoneTiers", List.of()), "OFFER_EMPTY_LIST", "assignees.zoneTiers"),
                arguments("rejectsEmptyAggregateList", with("rules.aggregates", Map.of("income", List.of())), "OFFER_EMPTY_LIST", "rules.aggregates.income"),
                arguments("rejectsDatasetIdsAsString", with("datasetIds", "ds-residents"), "OFFER_WRONG_TYPE", "datasetIds"),
                arguments("rejectsRulesAsString", with("rules", "strict"), "OFFER_WRONG_TYPE", "rules"),
                arguments("rejectsExplicitNullPrivacy", with("privacy", NullNode.getInstance()), "OFFER_WRONG_TYPE", "privacy"),
                arguments("rejectsBooleanAsString", with("rules.allowLimit", "yes"), "OFFER_WRONG_TYPE", "rules.allowLimit"),
                arguments("rejectsFractionalMinEntities", with("rules.minEntities", 10.5), "OFFER_WRONG_TYPE", "rules.minEntities"),
                arguments("rejectsMinEntitiesAsString", with("rules.minEntities", "10"), "OFFER_WRONG_TYPE", "rules.minEntities"),
                arguments("rejectsAmountAsNumber", with("price.amount", 10.0), "OFFER_WRONG_TYPE", "price.amount"),
                arguments("rejectsDuplicatePurpose", with("purposes", List.of("research", "research")), "OFFER_DUPLICATE_VALUE", "purposes[1]"),
                arguments("rejectsBlankPurpose", with("purposes", List.of(" ")), "OFFER_INVALID_NAME", "purposes[0]"),
                arguments("rejectsPaddedOrg", with("assignees.orgs", List.of(" demo-consumer-org")), "OFFER_INVALID_NAME", "assignees.orgs[0]"),
                arguments("rejectsStarAsDimension", with("rules.dimensions", List.of("*")), "OFFER_INVALID_NAME", "rules.dimensions[0]"),
                arguments("rejectsUnknownJobType", with("jobTypes", List.of("SQL", "MAP_REDUCE")), "OFFER_UNKNOWN_JOB_TYPE", "jobTypes[1]"),
                arguments("rejectsLowerCaseJobType", with("jobTypes", List.of("sql")), "OFFER_UNKNOWN_JOB_TYPE", "jobTypes[0]"),
                arguments("rejectsUnknownZoneTier", with("assignees.zoneTiers", List.of("PRIVATE")), "OFFER_UNKNOWN_ZONE_TIER", "assignees.zoneTiers[0]"),
                arguments("rejectsUnknownAggregate", with("rules.aggregates", Map.of("income", List.of("MEDIAN"))), "OFFER_UNKNOWN_AGGREGATE", "rules.aggregates.income[0]"),
                arguments("rejectsUnknownApprovalMode", with("approval", "MANUAL"), "OFFER_UNKNOWN_APPROVAL_MODE", "approval"),
                arguments("rejectsUnknownPriceModel", with("price.model", "AUCTION"), "OFFER_UNKNOWN_PRICE_MODEL", "price.model"),
                arguments("rejectsMinEntitiesBelowTwo", with("rules.minEntities", 1), "OFFER_NUMBER_OUT_OF_RANGE", "rules.minEntities"),
                arguments("rejectsZeroMaxJobs", with("maxJobs", 0), "OFFER_NUMBER_OUT_OF_RANGE", "maxJobs"),
                arguments("rejectsHugeMaxJobs", with("maxJobs", new java.math.BigInteger("99999999999999999999999")), "OFFER_NUMBER_OUT_OF_RANGE", "maxJobs"),
                arguments("rejectsZeroMaxOutputRows", with("rules.maxOutputRows", 0), "OFFER_NUMBER_OUT_OF_RANGE", "rules.maxOutputRows"),
                arguments("rejectsZeroRowsPerEntity", with("rules.maxRowsPerEntity", 0), "OFFER_NUMBER_OUT_OF_RANGE", "rules.maxRowsPerEntity"),
                arguments("rejectsZeroEpsilon", with("privacy.epsilonPerQuery", 0), "OFFER_NUMBER_OUT_OF_RANGE", "privacy.epsilonPerQuery"),
                arguments("rejectsNegativeEpsilon", with("privacy.epsilonPerQuery", -0.5), "OFFER_NUMBER_OUT_OF_RANGE", "privacy.epsilonPerQuery"),
                arguments("rejectsAstronomicalEpsilon", with("privacy.epsilonBudget", new BigDecimal("1e400")), "OFFER_NUMBER_OUT_OF_RANGE", "privacy.epsilonBudget"),
                arguments("rejectsEpsilonAsString", with("privacy.epsilonBudget", "5"), "OFFER_WRONG_TYPE", "privacy.epsilonBudget"),
                arguments("rejectsEpsilonFinerThanMicro", with("privacy.epsilonPerQuery", new BigDecimal("0.0000001")), "OFFER_EPSILON_PRECISION", "privacy.epsilonPerQuery"),
                arguments("rejectsEpsilonPerQueryAboveBudget", with("privacy.epsilonPerQuery", 6), "OFFER_EPSILON_EXCEEDS_BUDGET", "privacy.epsilonPerQuery"),
                arguments("rejectsInvertedBounds", with("privacy.contributionBounds", Map.of("income", List.of(100000, 0))), "OFFER_BOUNDS_ORDER", "privacy.contributionBounds.income"),
                arguments("rejectsEmptyBoundsInterval", with("privacy.contributionBounds", Map.of("income", List.of(5, 5))), "OFFER_BOUNDS_ORDER", "privacy.contributionBounds.income"),
                arguments("rejectsOneSidedBounds", with("privacy.contributionBounds", Map.of("income", List.of(0))), "OFFER_BOUNDS_INVALID", "privacy.contributionBounds.income"),
                arguments("rejectsBoundsAsStrings", with("privacy.contributionBounds", Map.of("income", List.of("0", "1"))), "OFFER_BOUNDS_INVALID", "privacy.contributionBounds.income"),
                arguments("rejectsInfiniteBounds", with("privacy.contributionBounds", Map.of("income", List.of(BigDecimal.ZERO, new BigDecimal("1e400")))), "OFFER_NUMBER_OUT_OF_RANGE", "privacy.contributionBounds.income"),
                arguments("rejectsSumWithoutBoundsUnderPrivacy", with("privacy.contributionBounds", Map.of()), "OFFER_BOUNDS_MISSING", "privacy.contributionBounds.income"),
                arguments("rejectsMinMaxUnderPrivacy", with("rules.aggregates", Map.of("income", List.of("SUM", "MAX"))), "OFFER_MINMAX_WITH_PRIVACY", "rules.aggregates.income"),
                arguments("rejectsWildcardSum", with("rules.aggregates", Map.of("*", List.of("COUNT", "SUM"))), "OFFER_WILDCARD_AGGREGATE", "rules.aggregates.*"),
                arguments("rejectsWildcardOrgWithOthers", with("assignees.orgs", List.of("*", "demo-consumer-org")), "OFFER_WILDCARD_NOT_ALONE", "assignees.orgs"),
                arguments("rejectsEmptyValidity", with("validUntil", "2026-01-01T00:00:00Z"), "OFFER_VALIDITY_ORDER", "validUntil"),
                arguments("rejectsInvertedValidity", with("validUntil", "2025-01-01T00:00:00Z"), "OFFER_VALIDITY_ORDER", "validUntil"),
                arguments("rejectsUnparseableTime", with("validFrom", "yesterday"), "OFFER_INVALID_TIME", "validFrom"),
                arguments("rejectsTimeWithoutOffset", with("validFrom", "2026-01-01T00:00:00"), "OFFER_INVALID_TIME", "validFrom"),
                arguments("rejectsThreeFractionDigitAmount", with("price.amount", "10.001"), "OFFER_INVALID_AMOUNT", "price.amount"),
                arguments("rejectsNegativeAmount", with("price.amount", "-1.00"), "OFFER_INVALID_AMOUNT", "price.amount"),
                arguments("rejectsExponentAmount", with("price.amount", "1e3"), "OFFER_INVALID_AMOUNT", "price.amount"),
                arguments("rejectsLowerCaseCurrency", with("price.currency", "cny"), "OFFER_INVALID_CURRENCY", "price.currency"),
                arguments("rejectsFourLetterCurrency", with("price.currency", "YUAN"), "OFFER_INVALID_CURRENCY", "price.currency"),
                arguments("rejectsFreeOfferWithAmount", with("price", Map.of("model", "FREE", "amount", "5.00", "currency", "CNY")), "OFFER_FREE_WITH_AMOUNT", "price.amount"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failClosedCases")
    void failsClosed(String behaviour, String json, String code, String path) {
        Result<Offer> r = OfferParser.parse(json);
        assertThat(r.isOk()).as(behaviour).isFalse();
        assertThat(r.violations()).as(behaviour).extracting(Violation::code, Violation::path)
                .contains(org.assertj.core.groups.Tuple.tuple(code, path));
    }

    static Stream<Arguments> malformedDocuments() {
        return Stream.of(
                arguments("{\"datasetIds\": [\"a\"], \"datasetIds\": [\"b\"]}", "OFFER_DUPLICATE_FIELD"),
                arguments("{\"datasetIds\": [", "OFFER_MALFORMED_JSON"),
                arguments("{} {}", "OFFER_MALFORMED_JSON"),
                arguments("{\"maxJobs\": NaN}", "OFFER_MALFORMED_JSON"),
                arguments("", "OFFER_MALFORMED_JSON"),
                arguments(null, "OFFER_MALFORMED_JSON"),
                arguments("[]", "OFFER_WRONG_TYPE"),
                arguments("\"offer\"", "OFFER_WRONG_TYPE"));
    }

    @ParameterizedTest
    @MethodSource("malformedDocuments")
    void rejectsMalformedDocuments(String json, String code) {
        Result<Offer> r = OfferParser.parse(json);
        assertThat(r.violations()).extracting(Violation::code).containsExactly(code);
        assertThat(r.violations().get(0).path()).isEqualTo("$");
    }

    @Test
    void rejectsDeeplyNestedDocumentWithoutStackOverflow() {
        String json = "{\"foo\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        assertThat(OfferParser.parse(json).violations()).extracting(Violation::code).containsExactly("OFFER_MALFORMED_JSON");
    }

    @Test
    void parsesTheDocumentedExample() {
        Offer o = Fixtures.offer();
        assertThat(o.datasetIds()).containsExactly("ds-residents");
        assertThat(o.purposes()).containsExactly("credit-risk", "research");
        assertThat(o.assignees().zoneTiers()).containsExactly(ZoneTier.PUBLIC, ZoneTier.SOCIAL);
        assertThat(o.validFrom()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(o.jobTypes()).containsExactly(JobType.SQL);
        assertThat(o.rules().aggregates()).containsEntry("income", Set.of(Aggregate.SUM, Aggregate.AVG, Aggregate.COUNT));
        assertThat(o.privacy().orElseThrow().microEpsilonPerQuery()).isEqualTo(500_000);
        assertThat(o.privacy().orElseThrow().microEpsilonBudget()).isEqualTo(5_000_000);
        assertThat(o.privacy().orElseThrow().contributionBounds()).containsEntry("income", new Offer.Bounds(0, 100000));
        assertThat(o.price()).isEqualTo(new Offer.Price(PriceModel.PER_JOB, new BigDecimal("10.00"), "CNY"));
    }

    @Test
    void appliesDocumentedDefaults() {
        Offer.Rules rules = Fixtures.offer().rules();
        assertThat(rules.allowLimit()).isFalse();
        assertThat(rules.allowOrderBy()).isTrue();
        assertThat(rules.maxRowsPerEntity()).isEqualTo(OptionalLong.of(1));
    }

    @Test
    void privacyIsOptionalAndThenContributionIsUnbounded() {
        Offer o = OfferParser.parse(with("privacy", null)).value();
        assertThat(o.privacy()).isEmpty();
        assertThat(o.rules().maxRowsPerEntity()).isEmpty();
    }

    @Test
    void minMaxAreAllowedWithoutPrivacyWhenListed() {
        String json = with("rules.aggregates", Map.of("income", List.of("MIN", "MAX")));
        Offer o = OfferParser.parse(removePrivacy(json)).value();
        assertThat(o.rules().allows("income", Aggregate.MAX)).isTrue();
    }

    @Test
    void freeOfferNeedsNoAmount() {
        Offer o = OfferParser.parse(with("price", Map.of("model", "FREE", "currency", "CNY"))).value();
        assertThat(o.price().amount()).isEqualTo(new BigDecimal("0.00"));
    }

    @Test
    void acceptsOffsetTimesAndNormalisesToUtc() {
        Offer o = OfferParser.parse(with("validFrom", "2026-01-01T08:00:00+08:00")).value();
        assertThat(o.toJson().get("validFrom").asText()).isEqualTo("2026-01-01T00:00:00Z");
    }

    @Test
    void collectsEveryViolationInOnePass() {
        var root = Fixtures.offerJson();
        root.put("maxJobs", 0);
        root.put("approval", "MANUAL");
        ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("rules")).put("maxRows", 1);
        ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("price")).put("currency", "cny");
        assertThat(OfferParser.parse(root.toString()).violations()).extracting(Violation::code).containsExactlyInAnyOrder(
                "OFFER_NUMBER_OUT_OF_RANGE", "OFFER_UNKNOWN_APPROVAL_MODE", "OFFER_UNKNOWN_FIELD", "OFFER_INVALID_CURRENCY");
    }

    @Test
    void violationMessagesNeverEchoSubmittedValues() {
        String secret = "SECRET-VALUE-4711";
        for (String json : List.of(with("approval", secret), with("validFrom", secret), with("price.amount", secret),
                with("jobTypes", List.of(secret)), with("privacy.epsilonBudget", secret))) {
            assertThat(OfferParser.parse(json).violations()).isNotEmpty()
                    .allSatisfy(v -> assertThat(v.message()).doesNotContain(secret));
        }
    }

    @Test
    void normalisedJsonParsesBackToTheSameOffer() {
        Offer o = Fixtures.offer();
        Offer again = OfferParser.parse(o.toJson().toString()).value();
        assertThat(again).isEqualTo(o);
        assertThat(again.toJson()).isEqualTo(o.toJson());
    }

    @Test
    void normalisationIgnoresListOrder() {
        Offer a = OfferParser.parse(with("purposes", List.of("research", "credit-risk"))).value();
        Offer b = OfferParser.parse(with("purposes", List.of("credit-risk", "research"))).value();
        assertThat(a.toJson().toString()).isEqualTo(b.toJson().toString());
    }

    @Test
    void treesFromADefaultMapperParseTheSame() throws Exception {
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(with("privacy.epsilonPerQuery", 0.1));
        assertThat(OfferParser.parse(tree).value().privacy().orElseThrow().microEpsilonPerQuery()).isEqualTo(100_000);
    }

    private static String removePrivacy(String json) {
        try {
            var root = (com.fasterxml.jackson.databind.node.ObjectNode) Fixtures.MAPPER.readTree(json);
            root.remove("privacy");
            return root.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
