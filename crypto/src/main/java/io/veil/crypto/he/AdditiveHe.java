package io.veil.crypto.he;

/**
 * Additively homomorphic encryption, behind an SPI so a native backend (Microsoft SEAL through JNI)
 * can replace the pure-Java Paillier one. Callers pick a backend, never parameters below the
 * backend's floor, randomness or encodings: every encryption draws its own randomness.
 *
 * <p>Plaintexts are signed integers within {@link HePublicKey#maxPlaintext()} in magnitude; values
 * outside are refused on encryption, and a decrypted result outside is reported as an overflow
 * rather than silently wrapped.
 */
public interface AdditiveHe {
    /** Short backend name carried in encodings, e.g. {@code "paillier"}. */
    String scheme();

    /** A fresh key pair of the backend's default strength. */
    HeKeyPair generateKeyPair();

    /** A fresh key pair with a modulus of {@code modulusBits}; below the backend's floor is refused. */
    HeKeyPair generateKeyPair(int modulusBits);

    /** Parses a public key produced by {@link HePublicKey#encoded()}; malformed input is an IllegalArgumentException. */
    HePublicKey decodePublicKey(byte[] encoded);

    /** The pure-Java Paillier backend (modulus at least 2048 bits, g = n + 1, CRT decryption). */
    static AdditiveHe paillier() {
        return Paillier.INSTANCE;
    }
}
