package io.veil.crypto;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * ECMAScript Number.prototype.toString for doubles (ES2015 7.1.12.1), as RFC 8785 requires.
 * JDK 17's Double.toString is not always shortest (JDK-4511638), so digits are found here: for
 * each precision p the only candidates are the p-digit decimals just below and just above the
 * exact value; the first p where one round-trips is the shortest, and the closer one (even on a
 * tie) wins. Slower than Ryu, but short and obviously correct, and canonicalised documents are small.
 */
final class EcmaNumbers {
    private static final double TWO_POW_53 = 9007199254740992.0;

    private EcmaNumbers() {}

    static String format(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("JSON numbers must be finite");
        }
        if (d == 0) {
            return "0"; // also -0
        }
        if (d < 0) {
            return "-" + format(-d);
        }
        if (d < TWO_POW_53 && d == Math.rint(d)) {
            return Long.toString((long) d); // exact integers below 2^53 are their own shortest form
        }
        BigDecimal shortest = shortest(d).stripTrailingZeros();
        String digits = shortest.unscaledValue().toString();
        return layout(digits, digits.length() - shortest.scale());
    }

    private static BigDecimal shortest(double d) {
        BigDecimal exact = new BigDecimal(d);
        for (int p = 1; p <= 17; p++) {
            BigDecimal below = exact.round(new MathContext(p, RoundingMode.FLOOR));
            BigDecimal above = exact.round(new MathContext(p, RoundingMode.CEILING));
            boolean belowOk = below.doubleValue() == d;
            boolean aboveOk = above.doubleValue() == d;
            if (belowOk && aboveOk) {
                int cmp = exact.subtract(below).compareTo(above.subtract(exact));
                if (cmp != 0) {
                    return cmp < 0 ? below : above;
                }
                return below.unscaledValue().testBit(0) ? above : below;
            }
            if (belowOk || aboveOk) {
                return belowOk ? below : above;
            }
        }
        throw new AssertionError("17 significant digits always round-trip a double");
    }

    /** ES layout of digits s (k of them) with decimal exponent n, i.e. value = 0.s × 10^n. */
    private static String layout(String s, int n) {
        int k = s.length();
        StringBuilder out = new StringBuilder(k + 8);
        if (k <= n && n <= 21) {
            out.append(s).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(s, 0, n).append('.').append(s, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(s);
        } else {
            int e = n - 1;
            out.append(s.charAt(0));
            if (k > 1) {
                out.append('.').append(s, 1, k);
            }
            out.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
        return out.toString();
    }
}
