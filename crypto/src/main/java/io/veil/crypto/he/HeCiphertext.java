package io.veil.crypto.he;

/** A ciphertext bound to the public key it was made or decoded under. */
public interface HeCiphertext {
    /** The key this ciphertext belongs to; operations mixing keys are refused. */
    HePublicKey publicKey();

    /** Fixed-length big-endian encoding (length {@link HePublicKey#ciphertextLength()}). */
    byte[] encoded();
}
