package io.veil.gateway.crosszone;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.crypto.psi.PsiResult;
import io.veil.policy.JobType;
import io.veil.policy.Offer;
import io.veil.sandbox.privacy.SecureNoise;

import java.util.Optional;

/**
 * What a PSI job releases: noisy measurements and public parameters, nothing else (docs/psi.md, "Release
 * rules"). One discrete Laplace measurement of the intersection size and, for PSI_SUM, one grid-noised
 * measurement of the sum split ε evenly. The suppression flag is decided on the noisy count, so it is
 * post-processing of a DP measurement; the released count is that same measurement. A PSI answer always
 * exists (one record whatever the data), so unlike SQL partition selection no margin τ and no δ are
 * needed: the release is pure ε-DP.
 *
 * <p>Sensitivities, per entity of either zone: the provider's rows are bounded to m per entity and each
 * metric value and each key's total are clamped ({@link Clamp}), so one provider entity changes the count by
 * at most m and the sum by at most m·B; one consumer-zone entity has at most m' rows, hence at most m'
 * keys, each adding at most one clamped total: m' and m'·B. Each scale is the larger of the two sides'
 * sensitivity / ε per measurement, so the release is ε-DP for the provider's dataset under its offer and
 * ε'-DP for the consumer zone's dataset under its local offer.
 */
final class PsiRelease {
    /** SecureNoise refuses larger scales; a plan needing one is refused before any data is read. */
    static final double MAX_SCALE = 0x1p60;

    private PsiRelease() {}

    /** The offer's contribution bounds as applied to BIGINT values: [⌈lo⌉, ⌊hi⌋], saturated to the long range. */
    record Clamp(long lo, long hi) {
        static Clamp of(Offer.Bounds b) {
            return new Clamp(saturate(Math.ceil(b.lo())), saturate(Math.floor(b.hi())));
        }

        long apply(long v) {
            return Math.max(lo, Math.min(hi, v));
        }

        /** B: every clamped value has |v| ≤ B (at least 1, so a scale is never 0). */
        double magnitude() {
            return Math.max(1, Math.max(Math.abs((double) lo), Math.abs((double) hi)));
        }

        private static long saturate(double d) {
            return d >= 0x1p63 ? Long.MAX_VALUE : d <= -0x1p63 ? Long.MIN_VALUE : (long) d;
        }
    }

    /** One zone's terms for its own dataset: ε per query (micro-ε) and rows per entity (m). */
    record Side(long microEpsilon, long maxRowsPerEntity) {
        static Side of(Offer offer) {
            Offer.Privacy p = offer.privacy().orElseThrow(() -> new IllegalStateException("PSI under an offer without privacy"));
            return new Side(p.microEpsilonPerQuery(), offer.rules().maxRowsPerEntity().orElse(1));
        }
    }

    /** Public parameters, fixed before any data is read; {@code sumScale} and {@code clamp} are for PSI_SUM only. */
    record Plan(JobType type, int minEntities, long microEpsilon, double countScale, double sumScale, Clamp clamp) {}

    /** The plan for a job under {@code offer} (the responder's), or empty if a scale is out of SecureNoise's range. */
    static Optional<Plan> plan(JobType type, Offer offer, String metric, Side initiator) {
        Side own = Side.of(offer);
        int measurements = type == JobType.PSI_SUM ? 2 : 1;
        double countScale = Math.max(scale(own, 1, measurements), scale(initiator, 1, measurements));
        Clamp clamp = null;
        double sumScale = 0;
        if (type == JobType.PSI_SUM) {
            Offer.Bounds b = offer.privacy().get().contributionBounds().get(metric);
            if (b == null) throw new IllegalStateException("PSI_SUM without bounds passed the policy engine");
            clamp = Clamp.of(b);
            sumScale = Math.max(scale(own, clamp.magnitude(), measurements), scale(initiator, clamp.magnitude(), measurements));
        }
        if (!(countScale <= MAX_SCALE) || !(sumScale <= MAX_SCALE)) return Optional.empty();
        return Optional.of(new Plan(type, offer.rules().minEntities(), own.microEpsilon(), countScale, sumScale, clamp));
    }

    /** sensitivity / ε per measurement = m·perRow / (ε / measurements). */
    private static double scale(Side s, double perRow, int measurements) {
        return s.maxRowsPerEntity() * perRow * measurements / (s.microEpsilon() / 1e6);
    }

    /** The released aggregate: every field a function of the noisy measurements and the plan. */
    static ObjectNode release(Plan p, PsiResult r, SecureNoise noise) {
        long noisyCount = saturatingAdd(r.intersectionSize(), noise.discreteLaplace(p.countScale()));
        boolean suppressed = noisyCount < Math.max(p.minEntities(), 1);
        ObjectNode out = PeerCalls.JSON.createObjectNode();
        out.put("jobType", p.type().name());
        out.put("suppressed", suppressed);
        out.put("minEntities", p.minEntities());
        out.put("differentialPrivacy", true);
        out.put("microEpsilon", p.microEpsilon());
        if (suppressed) out.putNull("intersectionSize");
        else out.put("intersectionSize", Math.max(0, noisyCount));
        ObjectNode scales = PeerCalls.JSON.createObjectNode();
        scales.put("intersectionSize", p.countScale());
        if (p.type() == JobType.PSI_SUM) {
            // Drawn also when suppressed, so the work done does not depend on the flag. A multiple of the
            // grid g = SecureNoise.granularity(sumScale); rounding to an integer is post-processing.
            double noisySum = noise.addNoise(r.sum().orElseThrow().doubleValue(), p.sumScale());
            if (suppressed) out.putNull("sum");
            else out.put("sum", Math.round(noisySum));
            scales.put("sum", p.sumScale());
        }
        out.set("noiseScales", scales);
        return out;
    }

    private static long saturatingAdd(long a, long b) {
        long s = a + b;
        return ((a ^ s) & (b ^ s)) < 0 ? (b < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : s;
    }
}
