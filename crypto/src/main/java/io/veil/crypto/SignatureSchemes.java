package io.veil.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.jcajce.spec.SM2ParameterSpec;

/** Per-suite signature algorithms: Ed25519 from the JDK, SM2-with-SM3 from Bouncy Castle. */
final class SignatureSchemes {
    /** Default signer id of GB/T 32918.2 / GM/T 0009 ("1234567812345678"); verifiers elsewhere assume it. */
    static final byte[] SM2_DEFAULT_USER_ID = "1234567812345678".getBytes(StandardCharsets.US_ASCII);

    private SignatureSchemes() {}

    static KeyPair generate(Suite suite) {
        try {
            if (suite == Suite.INTL) {
                return KeyPairGenerator.getInstance("Ed25519", sunEc()).generateKeyPair();
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", Providers.bc());
            g.initialize(new ECGenParameterSpec("sm2p256v1"), Providers.RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("key generation for " + suite + " unavailable", e);
        }
    }

    /** A signature engine, not yet initialised; SM2 already carries the default user id. */
    static Signature newSignature(Suite suite) throws GeneralSecurityException {
        if (suite == Suite.INTL) {
            return Signature.getInstance("Ed25519", sunEc());
        }
        Signature s = Signature.getInstance("SM3withSM2", Providers.bc());
        s.setParameter(new SM2ParameterSpec(SM2_DEFAULT_USER_ID));
        return s;
    }

    /** Name and provider for bcpkix's content signer (self-signed keystore certificates). */
    static String certificateSignatureAlgorithm(Suite suite) {
        return suite == Suite.INTL ? "Ed25519" : "SM3withSM2";
    }

    static Provider provider(Suite suite) {
        return suite == Suite.INTL ? sunEc() : Providers.bc();
    }

    /**
     * Parses an SPKI and insists the algorithm belongs to the suite: a P-256 key presented as GM, or
     * an SM2 key presented as INTL, is rejected rather than verified under the wrong rules.
     */
    static PublicKey decodePublic(Suite suite, byte[] spki) {
        try {
            AlgorithmIdentifier alg = SubjectPublicKeyInfo.getInstance(spki).getAlgorithm();
            if (suite == Suite.INTL) {
                require(alg.getAlgorithm().equals(EdECObjectIdentifiers.id_Ed25519) && alg.getParameters() == null);
                return KeyFactory.getInstance("Ed25519", sunEc()).generatePublic(new X509EncodedKeySpec(spki));
            }
            require(alg.getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey)
                    && GMObjectIdentifiers.sm2p256v1.equals(asOid(alg)));
            return KeyFactory.getInstance("EC", Providers.bc()).generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not a " + suite + " public key (X.509 SubjectPublicKeyInfo)");
        }
    }

    static PrivateKey decodePrivate(Suite suite, byte[] pkcs8) throws GeneralSecurityException {
        KeyFactory f = suite == Suite.INTL
                ? KeyFactory.getInstance("Ed25519", sunEc())
                : KeyFactory.getInstance("EC", Providers.bc());
        return f.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    private static ASN1ObjectIdentifier asOid(AlgorithmIdentifier alg) {
        return alg.getParameters() instanceof ASN1ObjectIdentifier oid ? oid : null;
    }

    private static void require(boolean ok) {
        if (!ok) {
            throw new IllegalArgumentException();
        }
    }

    private static Provider sunEc() {
        Provider p = Providers.jdk("SunEC");
        if (p == null) {
            throw new IllegalStateException("JDK provider SunEC (Ed25519) missing");
        }
        return p;
    }
}
