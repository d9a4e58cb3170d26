package io.veil.crypto.ca;

import io.veil.crypto.Suite;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Certificate algorithms per suite. INTL: ECDSA P-256 with SHA-256 from the JDK (SunEC), because
 * JSSE must use these keys for TLS and Ed25519 certificates are not usable there. GM: SM2 keys and
 * SM3withSM2 signatures (default signer id of GB/T 32918) from Bouncy Castle.
 */
final class CaSchemes {
    static final SecureRandom RANDOM = new SecureRandom();

    private CaSchemes() {}

    static KeyPair generate(Suite suite) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", provider(suite));
            g.initialize(new ECGenParameterSpec(suite == Suite.INTL ? "secp256r1" : "sm2p256v1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("CA key generation for " + suite + " unavailable", e);
        }
    }

    static String signatureAlgorithm(Suite suite) {
        return suite == Suite.INTL ? "SHA256withECDSA" : "SM3withSM2";
    }

    static Provider provider(Suite suite) {
        if (suite == Suite.INTL) {
            Provider p = Security.getProvider("SunEC");
            if (p == null) {
                throw new IllegalStateException("JDK provider SunEC missing");
            }
            return p;
        }
        return bc();
    }

    /** Certificates and CRLs: JDK parser for INTL (what JSSE uses), Bouncy Castle for SM2. */
    static CertificateFactory certificateFactory(Suite suite) throws GeneralSecurityException {
        return suite == Suite.INTL ? CertificateFactory.getInstance("X.509") : CertificateFactory.getInstance("X.509", bc());
    }

    static X509Certificate certificate(Suite suite, byte[] der) throws GeneralSecurityException {
        return (X509Certificate) certificateFactory(suite).generateCertificate(new ByteArrayInputStream(der));
    }

    static X509CRL crl(Suite suite, byte[] der) throws GeneralSecurityException {
        return (X509CRL) certificateFactory(suite).generateCRL(new ByteArrayInputStream(der));
    }

    /**
     * PKCS#12: the JDK's for INTL (so JSSE and keytool read it; PBES2 AES-256, HMAC-SHA256 since JDK
     * 12), Bouncy Castle's for GM (the JDK cannot parse SM2 keys), with PBES2 AES rather than BC's
     * legacy 3DES/RC2 default.
     */
    static KeyStore newPkcs12(Suite suite) throws GeneralSecurityException {
        return suite == Suite.INTL ? KeyStore.getInstance("PKCS12") : KeyStore.getInstance("PKCS12-AES256-AES128", bc());
    }

    /** The suite of a certificate's key: P-256 is INTL, the SM2 curve is GM; anything else is refused. */
    static Suite suiteOf(X509Certificate cert) {
        String oid = cert.getSigAlgOID();
        if ("1.2.840.10045.4.3.2".equals(oid)) {
            return Suite.INTL;
        }
        if ("1.2.156.10197.1.501".equals(oid)) {
            return Suite.GM;
        }
        throw new IllegalArgumentException("certificate signature algorithm " + oid + " is not ECDSA-SHA256 or SM3withSM2");
    }

    /** Bouncy Castle, added at the end of the provider list (never ahead of the JDK) on first use. */
    static Provider bc() {
        synchronized (Security.class) {
            Provider existing = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
            if (existing != null) {
                return existing;
            }
            Provider bc = new BouncyCastleProvider();
            Security.addProvider(bc);
            return bc;
        }
    }
}
