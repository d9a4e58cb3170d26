package io.veil.crypto;

import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;

/** A verifying key backed by a JCA public key; equality is by suite and SPKI encoding. */
final class JcaVerifyingKey implements VerifyingKey {
    private final Suite suite;
    private final PublicKey key;
    private final byte[] encoded;
    private final String keyId;

    JcaVerifyingKey(Suite suite, PublicKey key) {
        this.suite = suite;
        this.key = key;
        this.encoded = key.getEncoded();
        this.keyId = Hex.encode(Arrays.copyOf(suite.hash(encoded), 8));
    }

    static JcaVerifyingKey decode(Suite suite, byte[] spki) {
        return new JcaVerifyingKey(suite, SignatureSchemes.decodePublic(suite, spki));
    }

    @Override public Suite suite() { return suite; }

    @Override
    public boolean verify(byte[] message, byte[] signature) {
        if (message == null || signature == null) {
            return false;
        }
        try {
            Signature s = SignatureSchemes.newSignature(suite);
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (Exception e) {
            // Malformed signatures (bad DER, wrong length, point not on curve) are simply invalid.
            return false;
        }
    }

    @Override public byte[] encoded() { return encoded.clone(); }

    @Override public String keyId() { return keyId; }

    PublicKey publicKey() { return key; }

    @Override
    public boolean equals(Object o) {
        return o instanceof JcaVerifyingKey other && other.suite == suite && Arrays.equals(other.encoded, encoded);
    }

    @Override public int hashCode() { return 31 * suite.hashCode() + Arrays.hashCode(encoded); }

    @Override public String toString() { return "VerifyingKey[" + suite + ", " + keyId + "]"; }
}
