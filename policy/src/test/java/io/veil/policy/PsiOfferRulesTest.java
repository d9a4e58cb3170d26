package io.veil.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;

import static io.veil.policy.Fixtures.CONSUMER;
import static io.veil.policy.Fixtures.DS;
import static io.veil.policy.Fixtures.NOW;
import static io.veil.policy.Fixtures.agg;
import static io.veil.policy.Fixtures.agreed;
import static io.veil.policy.Fixtures.roles;
import static io.veil.policy.Fixtures.use;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * Without noise, PSI is a membership oracle (key sets S and S ∪ {x} differ exactly when x is in the other
 * zone's dataset) and PSI_SUM returns x's value. Fabricated padding keys defeat any rule on how much two key
 * sets differ, so PSI needs differential privacy: refused at publication and, for offers stored earlier, by
 * the engine on every PSI job.
 */
class PsiOfferRulesTest {

    private static Offer offer(List<String> jobTypes, boolean privacy) {
        ObjectNode o = Fixtures.offerJson();
        o.set("jobTypes", Fixtures.MAPPER.valueToTree(jobTypes));
        if (!privacy) o.remove("privacy");
        Result<Offer> parsed = OfferParser.parse(o.toString());
        assertThat(parsed.isOk()).as("%s", parsed.isOk() ? "" : parsed.violations()).isTrue();
        return parsed.value();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PSI_COUNT", "PSI_SUM"})
    void psiOfferWithoutPrivacyIsRefusedAtPublication(String type) {
        Result<Offer> r = OfferParser.validateAgainst(offer(List.of("SQL", type), false), roles());
        assertThat(r.isOk()).isFalse();
        assertThat(r.violations()).extracting(Violation::code, Violation::path)
                .containsExactly(tuple("OFFER_PSI_REQUIRES_PRIVACY", "privacy"));
    }

    @Test
    void psiOfferWithPrivacyAndSqlOfferWithoutArePublishable() {
        assertThat(OfferParser.validateAgainst(offer(List.of("PSI_COUNT", "PSI_SUM"), true), roles()).isOk()).isTrue();
        assertThat(OfferParser.validateAgainst(offer(List.of("SQL"), false), roles()).isOk()).isTrue();
    }

    @Test
    void storedPsiOfferWithoutPrivacyStillReadsBackButEveryPsiJobIsDenied() {
        Offer stored = offer(List.of("SQL", "PSI_COUNT", "PSI_SUM"), false);
        assertThat(OfferParser.parse(stored.toJson()).value()).isEqualTo(stored);
        PolicyEngine engine = new PolicyEngine();
        QueryFootprint count = new QueryFootprint(JobType.PSI_COUNT, Set.of(DS), List.of(use("person_id", UseKind.JOIN_KEY)), Set.of());
        QueryFootprint sum = new QueryFootprint(JobType.PSI_SUM, Set.of(DS),
                List.of(use("person_id", UseKind.JOIN_KEY), agg("income", Aggregate.SUM)), Set.of());
        for (QueryFootprint f : List.of(count, sum)) {
            assertThat(engine.evaluate(agreed(), stored, roles(), f, CONSUMER, ZoneTier.SOCIAL, NOW, 0).codes())
                    .containsExactly("PSI_REQUIRES_PRIVACY");
        }
        QueryFootprint sql = new QueryFootprint(JobType.SQL, Set.of(DS), List.of(agg("income", Aggregate.SUM)), Set.of());
        assertThat(engine.evaluate(agreed(), stored, roles(), sql, CONSUMER, ZoneTier.SOCIAL, NOW, 0).permitted()).isTrue();
        Offer withPrivacy = offer(List.of("PSI_COUNT", "PSI_SUM"), true);
        assertThat(engine.evaluate(agreed(), withPrivacy, roles(), sum, CONSUMER, ZoneTier.SOCIAL, NOW, 0).permitted()).isTrue();
    }
}
