package io.veil.crypto;

/** A public key that verifies signatures of one suite. Encoded as X.509 SubjectPublicKeyInfo DER. */
public interface VerifyingKey {
    Suite suite();
    boolean verify(byte[] message, byte[] signature);
    /** X.509 SubjectPublicKeyInfo, DER. */
    byte[] encoded();
    /** Short stable id: lowercase hex of the first 8 bytes of suite-hash(encoded()). */
    String keyId();

    static VerifyingKey decode(Suite suite, byte[] subjectPublicKeyInfo) {
        throw new UnsupportedOperationException("implemented by the crypto module");
    }
}
