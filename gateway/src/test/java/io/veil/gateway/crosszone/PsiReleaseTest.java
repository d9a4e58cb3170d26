package io.veil.gateway.crosszone;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.crypto.psi.PsiMode;
import io.veil.crypto.psi.PsiResult;
import io.veil.policy.JobType;
import io.veil.policy.Offer;
import io.veil.policy.OfferParser;
import io.veil.sandbox.privacy.SecureNoise;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The release rule on its own: scales from public terms only, every released field from the noisy measurements. */
class PsiReleaseTest {
    static Offer offer(double epsilon, int maxRowsPerEntity, List<Number> bounds) {
        ObjectNode o = io.veil.gateway.offers.ContractFixtures.offer(List.of("ds"));
        o.set("jobTypes", PeerCalls.JSON.valueToTree(List.of("PSI_COUNT", "PSI_SUM")));
        ((ObjectNode) o.get("rules")).put("maxRowsPerEntity", maxRowsPerEntity);
        o.set("privacy", PeerCalls.JSON.valueToTree(Map.of("epsilonPerQuery", epsilon, "epsilonBudget", 1000,
                "contributionBounds", Map.of("income", bounds))));
        return OfferParser.parse(o.toString()).value();
    }

    static final PsiRelease.Side LAX = new PsiRelease.Side(1_000_000_000L, 1); // ε 1000: never the larger scale here

    @Test
    void scalesAreSensitivityOverEpsilonPerMeasurement() {
        PsiRelease.Plan count = PsiRelease.plan(JobType.PSI_COUNT, offer(0.5, 1, List.of(0, 1000)), null, LAX).orElseThrow();
        assertThat(count.countScale()).isEqualTo(2.0);          // m / ε
        assertThat(count.microEpsilon()).isEqualTo(500_000);
        PsiRelease.Plan sum = PsiRelease.plan(JobType.PSI_SUM, offer(1, 3, List.of(-50, 1000)), "income", LAX).orElseThrow();
        assertThat(sum.countScale()).isEqualTo(6.0);            // m / (ε/2)
        assertThat(sum.sumScale()).isEqualTo(6000.0);           // m·max(|lo|,|hi|) / (ε/2)
    }

    @Test
    void theConsumerZonesTermsRaiseTheScaleWhenStricter() {
        PsiRelease.Side strict = new PsiRelease.Side(100_000, 2); // ε 0.1, two rows per entity
        PsiRelease.Plan p = PsiRelease.plan(JobType.PSI_SUM, offer(1, 1, List.of(0, 1000)), "income", strict).orElseThrow();
        assertThat(p.countScale()).isEqualTo(40.0);             // 2 / (0.1/2)
        assertThat(p.sumScale()).isEqualTo(40_000.0);
        assertThat(p.microEpsilon()).isEqualTo(1_000_000);      // the provider's charge is its own ε
    }

    @Test
    void boundsApplyAsIntegersAndTheirMagnitudeCoversEveryClampedValue() {
        PsiRelease.Clamp c = PsiRelease.Clamp.of(new Offer.Bounds(0.5, 0.7)); // no integer inside: everything becomes 1
        assertThat(c.apply(-5)).isEqualTo(1);
        assertThat(c.apply(5)).isEqualTo(1);
        assertThat(c.magnitude()).isEqualTo(1.0);
        PsiRelease.Clamp wide = PsiRelease.Clamp.of(new Offer.Bounds(-1e300, 1e300));
        assertThat(wide.apply(Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
        assertThat(wide.magnitude()).isEqualTo(0x1p63);
    }

    @Test
    void aPlanBeyondTheSamplersRangeIsRefusedUpFront() {
        assertThat(PsiRelease.plan(JobType.PSI_SUM, offer(0.000001, 1000, List.of(0, 1e15)), "income", LAX)).isEqualTo(Optional.empty());
    }

    @Test
    void everyReleasedFieldFollowsTheNoisyCount() {
        PsiRelease.Plan p = PsiRelease.plan(JobType.PSI_SUM, offer(0.2, 1, List.of(0, 1000)), "income", LAX).orElseThrow();
        SecureNoise noise = new SecureNoise();
        boolean[] seen = new boolean[2];
        // True count exactly k = 10; count scale 10. Both flags in 200 draws fail to appear with probability < 2·0.53^200.
        for (int i = 0; i < 200; i++) {
            ObjectNode r = PsiRelease.release(p, new PsiResult(PsiMode.SUM, 10, Optional.of(BigInteger.valueOf(5000))), noise);
            boolean suppressed = r.get("suppressed").asBoolean();
            seen[suppressed ? 1 : 0] = true;
            assertThat(r.get("intersectionSize").isNull()).isEqualTo(suppressed);
            assertThat(r.get("sum").isNull()).isEqualTo(suppressed);
            if (!suppressed) assertThat(r.get("intersectionSize").asLong()).isGreaterThanOrEqualTo(10);
            assertThat(r.get("differentialPrivacy").asBoolean()).isTrue();
            assertThat(r.get("noiseScales").get("sum").asDouble()).isEqualTo(10_000.0);
        }
        assertThat(seen).containsExactly(true, true);
    }
}
