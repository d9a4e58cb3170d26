package io.veil.crypto.he;

import java.math.BigInteger;

/** Secret half of an additively homomorphic key. Opaque: no accessor returns its parameters. */
public interface HeSecretKey {
    HePublicKey publicKey();

    /**
     * Decrypts to the signed plaintext. A result outside [-maxPlaintext, maxPlaintext] means the
     * computation overflowed the plaintext range and is an {@link HeOverflowException}.
     */
    BigInteger decrypt(HeCiphertext ciphertext);

    /** Decrypts and insists the result fits a long. */
    default long decryptLong(HeCiphertext ciphertext) {
        BigInteger v = decrypt(ciphertext);
        if (v.bitLength() > 63) {
            throw new HeOverflowException("decrypted value does not fit a long");
        }
        return v.longValueExact();
    }

    /** Encrypts as the key owner may: same result distribution as the public key's, but faster (CRT). */
    HeCiphertext encrypt(BigInteger value);

    default HeCiphertext encrypt(long value) {
        return encrypt(BigInteger.valueOf(value));
    }
}
