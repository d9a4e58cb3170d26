package io.veil.crypto.psi;

/** A PSI message is malformed, out of order, for another session, or carries invalid group elements. */
public class PsiProtocolException extends IllegalArgumentException {
    public PsiProtocolException(String message) {
        super(message);
    }
}
