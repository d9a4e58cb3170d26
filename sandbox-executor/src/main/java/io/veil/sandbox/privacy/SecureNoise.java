package io.veil.sandbox.privacy;

import java.security.SecureRandom;

/**
 * Exact discrete Laplace noise, following Canonne, Kamath and Steinke, "The Discrete Gaussian for
 * Differential Privacy" (NeurIPS 2020), Algorithms 1 and 2. Only integer arithmetic and uniform
 * integers from {@link SecureRandom} are used: floating-point Laplace samplers leak through the
 * uneven spacing of doubles (Mironov 2012), these do not.
 *
 * <p>Continuous values (sums, averages) use a power-of-two granularity as in Google's secure noise
 * generation: the value is rounded to a multiple of g = 2^k and the noise is g times a discrete Laplace
 * sample of scale b/g, so every released number is an exact multiple of g. k is chosen so that b/g
 * lies in (2^39, 2^40]: the rounding error is negligible next to the noise, and the rational scale fits
 * comfortably in a long.
 */
public final class SecureNoise {
    static final int GRANULARITY_BITS = 40;
    private static final long SCALE_DENOMINATOR = 1L << 20;
    private final SecureRandom random;

    public SecureNoise() {
        this(new SecureRandom());
    }

    public SecureNoise(SecureRandom random) {
        this.random = random;
    }

    /** Integer noise with P(x) proportional to exp(-|x| / scale); scale is rounded up, never down. */
    public long discreteLaplace(double scale) {
        checkScale(scale);
        double scaled = scale * SCALE_DENOMINATOR;
        if (scaled < 0x1p50) {
            return discreteLaplace((long) Math.ceil(scaled), SCALE_DENOMINATOR);
        }
        return discreteLaplace((long) Math.ceil(scale), 1);
    }

    /** CKS Algorithm 2: one sample of the discrete Laplace distribution with scale t/s. */
    public long discreteLaplace(long t, long s) {
        if (t < 1 || s < 1) {
            throw new IllegalArgumentException("scale parameters must be positive");
        }
        while (true) {
            long u = random.nextLong(t);
            if (!bernoulliExpNeg(u, t)) {
                continue;
            }
            long v = 0;
            while (bernoulliExpNeg(1, 1)) {
                v++;
            }
            long x = Math.addExact(u, Math.multiplyExact(t, v));
            long y = x / s;
            boolean negative = random.nextBoolean();
            if (negative && y == 0) {
                continue; // otherwise zero would be counted twice
            }
            return negative ? -y : y;
        }
    }

    /**
     * {@code value} plus Laplace noise of the given scale, on the granularity grid for that scale. The
     * result is a multiple of {@link #granularity(double)}.
     */
    public double addNoise(double value, double scale) {
        checkScale(scale);
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("value must be finite");
        }
        double g = granularity(scale);
        double rounded = Math.rint(value / g) * g;
        long t = (long) Math.ceil(scale / g);
        return rounded + g * discreteLaplace(t, 1);
    }

    /** g = 2^k with scale/g in (2^39, 2^40]. */
    public static double granularity(double scale) {
        checkScale(scale);
        int floorLog2 = Math.getExponent(scale);
        int ceilLog2 = Math.scalb(1.0, floorLog2) == scale ? floorLog2 : floorLog2 + 1;
        return Math.scalb(1.0, ceilLog2 - GRANULARITY_BITS);
    }

    /** CKS Algorithm 1: true with probability exp(-num/den), exactly. */
    boolean bernoulliExpNeg(long num, long den) {
        if (num <= den) {
            long k = 1;
            while (bernoulli(num, Math.multiplyExact(den, k))) {
                k++;
            }
            return (k & 1) == 1;
        }
        long whole = num / den;
        for (long i = 0; i < whole; i++) {
            if (!bernoulliExpNeg(1, 1)) {
                return false;
            }
        }
        return bernoulliExpNeg(num - whole * den, den);
    }

    /** True with probability num/den, from a uniform integer (no floating point). */
    private boolean bernoulli(long num, long den) {
        return random.nextLong(den) < num;
    }

    private static void checkScale(double scale) {
        if (!(scale > 0) || !Double.isFinite(scale) || scale > 0x1p60) {
            throw new IllegalArgumentException("noise scale must be positive and finite");
        }
    }
}
