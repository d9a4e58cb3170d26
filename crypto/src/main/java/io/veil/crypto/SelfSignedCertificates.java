package io.veil.crypto;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * PKCS#12 stores key pairs with a certificate, so each keystore key pair gets a self-signed one.
 * It is only a container for the public key (no trust is derived from it; data-space CA tooling
 * issues the certificates other zones check), hence the open-ended validity (RFC 5280 4.1.2.5).
 */
final class SelfSignedCertificates {
    private static final Date NO_WELL_DEFINED_EXPIRY = Date.from(Instant.parse("9999-12-31T23:59:59Z"));

    private SelfSignedCertificates() {}

    static X509CertificateHolder create(Suite suite, String alias, PrivateKey privateKey, PublicKey publicKey) {
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "veil " + alias).build();
        BigInteger serial = new BigInteger(63, Providers.RANDOM).add(BigInteger.ONE);
        Date notBefore = Date.from(Instant.now().minus(Duration.ofHours(1)));
        try {
            var signer = new JcaContentSignerBuilder(SignatureSchemes.certificateSignatureAlgorithm(suite))
                    .setProvider(SignatureSchemes.provider(suite))
                    .build(privateKey);
            return new JcaX509v3CertificateBuilder(name, serial, notBefore, NO_WELL_DEFINED_EXPIRY, name, publicKey).build(signer);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("self-signed certificate for " + suite + " failed", e);
        }
    }
}
