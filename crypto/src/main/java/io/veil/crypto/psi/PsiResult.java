package io.veil.crypto.psi;

import java.math.BigInteger;
import java.util.Optional;

/**
 * What the responder (the HE key holder) ends with: the intersection size reported by the
 * initiator and, in SUM mode, the decrypted sum of its values over the intersection. Both are raw
 * results: thresholds and DP are applied by the caller before anything is released.
 */
public record PsiResult(PsiMode mode, long intersectionSize, Optional<BigInteger> sum) {
    public PsiResult {
        if (intersectionSize < 0) {
            throw new IllegalArgumentException("negative intersection size");
        }
        if ((mode == PsiMode.SUM) != sum.isPresent()) {
            throw new IllegalArgumentException("sum present exactly in SUM mode");
        }
    }
}
