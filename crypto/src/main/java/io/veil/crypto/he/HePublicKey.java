package io.veil.crypto.he;

import java.math.BigInteger;

/**
 * Public half of an additively homomorphic key: encrypts and combines ciphertexts. Results of
 * {@link #add}, {@link #addPlain} and {@link #multiplyPlain} are deterministic functions of their
 * inputs; call {@link #rerandomise} before handing a computed ciphertext to the key owner, so it
 * cannot be linked to the inputs.
 */
public interface HePublicKey {
    String scheme();

    /** Modulus size in bits. */
    int modulusBits();

    /** Largest plaintext magnitude: values in [-maxPlaintext, maxPlaintext] encrypt and decrypt exactly. */
    BigInteger maxPlaintext();

    /** Encrypts with fresh randomness; refuses values outside the plaintext range. */
    HeCiphertext encrypt(BigInteger value);

    default HeCiphertext encrypt(long value) {
        return encrypt(BigInteger.valueOf(value));
    }

    /** Enc(a + b). */
    HeCiphertext add(HeCiphertext a, HeCiphertext b);

    /** Enc(a + plain); {@code plain} must be within the plaintext range. */
    HeCiphertext addPlain(HeCiphertext a, BigInteger plain);

    /** Enc(a * scalar); {@code scalar} must be within the plaintext range. */
    HeCiphertext multiplyPlain(HeCiphertext a, BigInteger scalar);

    /** Same plaintext, fresh randomness: unlinkable to {@code a}. */
    HeCiphertext rerandomise(HeCiphertext a);

    /** Parses and validates a ciphertext under this key; malformed input is an IllegalArgumentException. */
    HeCiphertext decodeCiphertext(byte[] encoded);

    /** Length in bytes of every encoded ciphertext under this key. */
    int ciphertextLength();

    /** Self-describing encoding (scheme, version, parameters) for {@link AdditiveHe#decodePublicKey}. */
    byte[] encoded();

    /** Short stable id: lowercase hex of the first 8 bytes of SHA-256(encoded()). */
    String keyId();
}
