package io.veil.sandbox.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Statistical checks with generous bounds (several standard errors) over fixed-size samples. */
class SecureNoiseTest {
    private static final int N = 20_000;
    private final SecureNoise noise = new SecureNoise();

    @Test
    void discreteLaplaceHasMeanZeroAndTheDiscreteLaplaceVariance() {
        double b = 3.0;
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < N; i++) {
            long x = noise.discreteLaplace(3, 1);
            sum += x;
            sumSq += (double) x * x;
        }
        double mean = sum / N;
        double variance = sumSq / N - mean * mean;
        double p = Math.exp(-1 / b);
        double expected = 2 * p / ((1 - p) * (1 - p)); // ≈ 17.8
        assertThat(mean).isBetween(-0.25, 0.25);
        assertThat(variance).isBetween(expected * 0.9, expected * 1.1);
    }

    @Test
    void discreteLaplaceIsSymmetricAndHitsZeroAtTheRightRate() {
        int positive = 0;
        int negative = 0;
        int zero = 0;
        for (int i = 0; i < N; i++) {
            long x = noise.discreteLaplace(2.0);
            if (x > 0) {
                positive++;
            } else if (x < 0) {
                negative++;
            } else {
                zero++;
            }
        }
        double p = Math.exp(-1 / 2.0);
        double pZero = (1 - p) / (1 + p); // ≈ 0.245
        assertThat(Math.abs(positive - negative)).isLessThan((int) (5 * Math.sqrt(N)));
        assertThat(zero / (double) N).isBetween(pZero - 0.02, pZero + 0.02);
    }

    @Test
    void bernoulliExpIsExact() {
        int hitsHalf = 0;
        int hitsTwoAndHalf = 0;
        for (int i = 0; i < N; i++) {
            hitsHalf += noise.bernoulliExpNeg(1, 2) ? 1 : 0;
            hitsTwoAndHalf += noise.bernoulliExpNeg(5, 2) ? 1 : 0;
        }
        assertThat(hitsHalf / (double) N).isBetween(Math.exp(-0.5) - 0.02, Math.exp(-0.5) + 0.02);
        assertThat(hitsTwoAndHalf / (double) N).isBetween(Math.exp(-2.5) - 0.01, Math.exp(-2.5) + 0.01);
    }

    @Test
    void continuousNoiseLandsOnThePowerOfTwoGrid() {
        double scale = 123.456;
        double g = SecureNoise.granularity(scale);
        assertThat(Math.getExponent(g)).isEqualTo((int) Math.round(Math.log(g) / Math.log(2)));
        assertThat(scale / g).isGreaterThan(0x1p39).isLessThanOrEqualTo(0x1p40);
        double sumSq = 0;
        for (int i = 0; i < N / 4; i++) {
            double v = noise.addNoise(1000.3333333, scale);
            assertThat(v / g).isEqualTo(Math.rint(v / g));
            sumSq += (v - 1000.3333333) * (v - 1000.3333333);
        }
        double variance = sumSq / (N / 4.0);
        assertThat(variance).isBetween(2 * scale * scale * 0.85, 2 * scale * scale * 1.15);
    }

    @Test
    void refusesNonsenseScales() {
        assertThatThrownBy(() -> noise.discreteLaplace(0.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> noise.discreteLaplace(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> noise.addNoise(1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> noise.addNoise(Double.POSITIVE_INFINITY, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
