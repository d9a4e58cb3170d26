package io.veil.crypto.psi;

/** What a PSI session computes. */
public enum PsiMode {
    /** Intersection size only. */
    COUNT,
    /** Intersection size and the sum of the responder's values over the intersection. */
    SUM
}
