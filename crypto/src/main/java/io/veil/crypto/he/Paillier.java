package io.veil.crypto.he;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Pure-Java Paillier (1999) with g = n + 1 and CRT decryption. Modulus at least 2048 bits (112-bit
 * security per NIST SP 800-57); 2048 is the default, 3072 gives 128-bit security at about 3x the cost.
 *
 * <p>Constant time: {@link BigInteger#modPow} is not constant time, so decryption (exponent p-1,
 * q-1) and the key owner's CRT encryption may leak timing about the factors to a co-located
 * attacker. Veil decrypts only aggregated results, in-process, never as a network oracle; a SEAL or
 * hardened native backend is the answer where that is not enough.
 */
final class Paillier implements AdditiveHe {
    static final Paillier INSTANCE = new Paillier();
    static final String SCHEME = "paillier";
    static final int MIN_MODULUS_BITS = 2048;
    static final int MAX_MODULUS_BITS = 8192;
    static final int DEFAULT_MODULUS_BITS = 2048;
    static final SecureRandom RANDOM = new SecureRandom();

    private Paillier() {}

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public HeKeyPair generateKeyPair() {
        return generateKeyPair(DEFAULT_MODULUS_BITS);
    }

    @Override
    public HeKeyPair generateKeyPair(int modulusBits) {
        if (modulusBits < MIN_MODULUS_BITS || modulusBits > MAX_MODULUS_BITS || modulusBits % 2 != 0) {
            throw new IllegalArgumentException("Paillier modulus must be an even bit length in ["
                    + MIN_MODULUS_BITS + ", " + MAX_MODULUS_BITS + "], got " + modulusBits);
        }
        while (true) {
            BigInteger p = BigInteger.probablePrime(modulusBits / 2, RANDOM);
            BigInteger q = BigInteger.probablePrime(modulusBits / 2, RANDOM);
            BigInteger n = p.multiply(q);
            // Equal-length primes make gcd(n, (p-1)(q-1)) = 1 unless p = q; check both anyway.
            if (p.equals(q) || n.bitLength() != modulusBits
                    || !n.gcd(p.subtract(BigInteger.ONE).multiply(q.subtract(BigInteger.ONE))).equals(BigInteger.ONE)) {
                continue;
            }
            PaillierPublicKey pk = new PaillierPublicKey(n);
            return new HeKeyPair(pk, new PaillierSecretKey(pk, p, q));
        }
    }

    @Override
    public HePublicKey decodePublicKey(byte[] encoded) {
        return PaillierPublicKey.decode(encoded);
    }
}
