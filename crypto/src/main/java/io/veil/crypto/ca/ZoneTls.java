package io.veil.crypto.ca;

import io.veil.crypto.Suite;
import java.security.GeneralSecurityException;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.util.List;
import java.util.Set;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A JSSE {@link SSLContext} for zone-to-zone mutual TLS: presents the zone's certificate and trusts
 * only the data-space CA, with revocation checked against the CA's CRL (no OCSP, no network
 * fetches). INTL only: the JDK has no SM2 (TLCP) cipher suites, so GM certificates serve identity
 * and signatures but not JSSE transport.
 */
public final class ZoneTls {
    private ZoneTls() {}

    public static SSLContext sslContext(ZoneCredential zone, char[] keyPassword, DataSpaceTrust trust) {
        if (zone.suite() != Suite.INTL || trust.suite() != Suite.INTL) {
            throw new UnsupportedOperationException("JSSE cannot use GM (SM2) certificates for TLS; use an INTL data space for transport");
        }
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(zone.toKeyStore(keyPassword), keyPassword);
            PKIXBuilderParameters pkix = new PKIXBuilderParameters(Set.of(new TrustAnchor(trust.caCertificate(), null)), null);
            pkix.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(List.of(trust.crl()))));
            pkix.setRevocationEnabled(true);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(new CertPathTrustManagerParameters(pkix));
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), CaSchemes.RANDOM);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("building the zone TLS context failed", e);
        }
    }

    /** Same, from a zone PKCS#12 file's bytes. */
    public static SSLContext sslContext(byte[] zonePkcs12, char[] password, DataSpaceTrust trust) throws java.io.IOException {
        return sslContext(ZoneCredential.fromPkcs12(Suite.INTL, zonePkcs12, password), password, trust);
    }

}
