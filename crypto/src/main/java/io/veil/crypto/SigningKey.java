package io.veil.crypto;

/** A private signing key of one suite (Ed25519 for INTL, SM2/SM3 for GM). Opaque: never exported except to a keystore. */
public interface SigningKey {
    Suite suite();
    byte[] sign(byte[] message);
    VerifyingKey verifyingKey();

    static SigningKey generate(Suite suite) {
        return JcaSigningKey.generate(suite);
    }
}
