package io.veil.crypto;

/** A public key that verifies signatures of one suite. Encoded as X.509 SubjectPublicKeyInfo DER. */
public interface VerifyingKey {
    Suite suite();
    boolean verify(byte[] message, byte[] signature);
    /** X.509 SubjectPublicKeyInfo, DER. */
    byte[] encoded();
    /** Short stable id: lowercase hex of the first 8 bytes of suite-hash(encoded()). */
    String keyId();

    /** Parses an SPKI of this suite's algorithm; anything else is an IllegalArgumentException. */
    static VerifyingKey decode(Suite suite, byte[] subjectPublicKeyInfo) {
        return JcaVerifyingKey.decode(suite, subjectPublicKeyInfo);
    }
}
