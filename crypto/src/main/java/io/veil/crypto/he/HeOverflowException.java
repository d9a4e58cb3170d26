package io.veil.crypto.he;

/** A plaintext, or the result of a homomorphic computation, is outside the key's plaintext range. */
public class HeOverflowException extends ArithmeticException {
    public HeOverflowException(String message) {
        super(message);
    }
}
