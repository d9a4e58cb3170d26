package io.veil.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;

/** A signing key backed by a JCA private key. toString never shows key material. */
final class JcaSigningKey implements SigningKey {
    private final Suite suite;
    private final PrivateKey key;
    private final JcaVerifyingKey verifyingKey;

    JcaSigningKey(Suite suite, PrivateKey key, JcaVerifyingKey verifyingKey) {
        this.suite = suite;
        this.key = key;
        this.verifyingKey = verifyingKey;
    }

    static JcaSigningKey generate(Suite suite) {
        KeyPair pair = SignatureSchemes.generate(suite);
        return new JcaSigningKey(suite, pair.getPrivate(), new JcaVerifyingKey(suite, pair.getPublic()));
    }

    @Override public Suite suite() { return suite; }

    @Override
    public byte[] sign(byte[] message) {
        try {
            Signature s = SignatureSchemes.newSignature(suite);
            s.initSign(key, Providers.RANDOM);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing with " + suite + " key " + verifyingKey.keyId() + " failed", e);
        }
    }

    @Override public JcaVerifyingKey verifyingKey() { return verifyingKey; }

    /** Only for the keystore, which encrypts it before it touches disk. */
    PrivateKey privateKey() { return key; }

    @Override public String toString() { return "SigningKey[" + suite + ", " + verifyingKey.keyId() + "]"; }
}
