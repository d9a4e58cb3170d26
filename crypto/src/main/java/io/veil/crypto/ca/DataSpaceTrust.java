package io.veil.crypto.ca;

import io.veil.crypto.Suite;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * What a zone trusts: the data-space CA certificate and its current CRL (whose signature is checked
 * on construction). {@link #check} decides whether a peer certificate is a valid, unrevoked zone
 * certificate and names its zone and tier.
 */
public final class DataSpaceTrust {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private final Suite suite;
    private final X509Certificate ca;
    private final X509CRL crl;

    public DataSpaceTrust(X509Certificate caCertificate, X509CRL crl) {
        this.ca = Objects.requireNonNull(caCertificate, "caCertificate");
        this.crl = Objects.requireNonNull(crl, "crl");
        this.suite = CaSchemes.suiteOf(caCertificate);
        try {
            ca.verify(ca.getPublicKey(), CaSchemes.provider(suite));
            if (ca.getBasicConstraints() < 0 || ca.getKeyUsage() == null || !ca.getKeyUsage()[5]) {
                throw new IllegalArgumentException("not a CA certificate");
            }
            if (!crl.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
                throw new IllegalArgumentException("CRL not issued by the CA");
            }
            crl.verify(ca.getPublicKey(), CaSchemes.provider(suite));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("CA certificate or CRL signature does not verify");
        }
    }

    public Suite suite() {
        return suite;
    }

    public X509Certificate caCertificate() {
        return ca;
    }

    public X509CRL crl() {
        return crl;
    }

    /** Checks chain (signed by the CA), validity of both certificates at {@code at}, revocation and zone profile. */
    public CertificateCheck check(X509Certificate cert, Instant at) {
        if (cert == null || !cert.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            return CertificateCheck.refused(CertificateCheck.Status.UNKNOWN_ISSUER);
        }
        try {
            cert.verify(ca.getPublicKey(), CaSchemes.provider(suite));
        } catch (GeneralSecurityException | RuntimeException e) {
            return CertificateCheck.refused(CertificateCheck.Status.BAD_SIGNATURE);
        }
        if (at.isBefore(cert.getNotBefore().toInstant()) || at.isBefore(ca.getNotBefore().toInstant())) {
            return CertificateCheck.refused(CertificateCheck.Status.NOT_YET_VALID);
        }
        if (at.isAfter(cert.getNotAfter().toInstant()) || at.isAfter(ca.getNotAfter().toInstant())) {
            return CertificateCheck.refused(CertificateCheck.Status.EXPIRED);
        }
        if (crl.getNextUpdate() == null || at.isAfter(crl.getNextUpdate().toInstant())) {
            return CertificateCheck.refused(CertificateCheck.Status.CRL_STALE);
        }
        if (crl.getRevokedCertificate(cert.getSerialNumber()) != null) {
            return CertificateCheck.refused(CertificateCheck.Status.REVOKED);
        }
        return zoneProfile(cert);
    }

    /** Checks the leaf of a presented chain (TLS order: leaf first); further elements are ignored, only the CA anchors. */
    public CertificateCheck check(X509Certificate[] chain, Instant at) {
        if (chain == null || chain.length == 0) {
            return CertificateCheck.refused(CertificateCheck.Status.UNKNOWN_ISSUER);
        }
        return check(chain[0], at);
    }

    private static CertificateCheck zoneProfile(X509Certificate cert) {
        try {
            List<String> eku = cert.getExtendedKeyUsage();
            if (cert.getBasicConstraints() >= 0 || eku == null || !eku.contains(SERVER_AUTH) || !eku.contains(CLIENT_AUTH)) {
                return CertificateCheck.refused(CertificateCheck.Status.NOT_A_ZONE_CERTIFICATE);
            }
            String cn = null;
            String o = null;
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = rdn.getValue().toString();
                } else if (rdn.getType().equalsIgnoreCase("O")) {
                    o = rdn.getValue().toString();
                }
            }
            if (cn == null || o == null || !DataSpaceCa.ZONE_ID.matcher(cn).matches()) {
                return CertificateCheck.refused(CertificateCheck.Status.NOT_A_ZONE_CERTIFICATE);
            }
            return CertificateCheck.valid(cn, ZoneTier.valueOf(o));
        } catch (CertificateParsingException | InvalidNameException | IllegalArgumentException e) {
            return CertificateCheck.refused(CertificateCheck.Status.NOT_A_ZONE_CERTIFICATE);
        }
    }
}
