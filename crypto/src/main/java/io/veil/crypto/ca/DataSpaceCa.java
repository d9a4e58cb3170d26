package io.veil.crypto.ca;

import io.veil.crypto.Suite;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The data-space certificate authority: a self-signed root (basicConstraints CA, pathLen 0,
 * keyCertSign + cRLSign) that issues one certificate per zone (CN = zone id, O = tier, SAN for
 * loopback and given DNS names, EKU serverAuth + clientAuth, random 127-bit serial, bounded
 * validity) and publishes revocations as a signed X.509 CRL. INTL: ECDSA P-256 / SHA-256; GM:
 * SM2 / SM3. Callers choose a suite, never algorithms or extensions.
 */
public final class DataSpaceCa {
    public static final Duration CA_VALIDITY = Duration.ofDays(3653);
    public static final Duration MAX_ZONE_VALIDITY = Duration.ofDays(825);
    public static final Duration DEFAULT_ZONE_VALIDITY = Duration.ofDays(397);
    /** A CRL is valid for this long; refresh it with {@link #crl()} (CLI: {@code crl}) before then. */
    public static final Duration CRL_VALIDITY = Duration.ofDays(30);
    static final Pattern ZONE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern DNS_NAME = Pattern.compile("(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*");
    private static final Duration BACKDATE = Duration.ofMinutes(5);

    private final Suite suite;
    private final PrivateKey caKey;
    private final X509Certificate caCertificate;
    private final Map<BigInteger, Instant> revoked = new LinkedHashMap<>();
    private BigInteger crlNumber;

    private DataSpaceCa(Suite suite, PrivateKey caKey, X509Certificate caCertificate, BigInteger crlNumber) {
        this.suite = suite;
        this.caKey = caKey;
        this.caCertificate = caCertificate;
        this.crlNumber = crlNumber;
    }

    /** A new CA named {@code name} (becomes CN, with O = "Veil data space"), valid ten years. */
    public static DataSpaceCa create(Suite suite, String name) {
        Objects.requireNonNull(suite, "suite");
        if (name == null || name.isBlank() || name.length() > 64 || !name.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("CA name must be 1-64 printable ASCII characters");
        }
        KeyPair kp = CaSchemes.generate(suite);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Veil data space").addRDN(BCStyle.CN, name).build();
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(CA_VALIDITY)), subject, kp.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            X509Certificate cert = CaSchemes.certificate(suite, b.build(signer(suite, kp.getPrivate())).getEncoded());
            return new DataSpaceCa(suite, kp.getPrivate(), cert, BigInteger.ZERO);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("creating the CA certificate failed", e);
        }
    }

    /** Restores a CA from its key, certificate and last CRL (whose entries and number carry over). */
    static DataSpaceCa restore(Suite suite, PrivateKey key, X509Certificate cert, X509CRL lastCrl) {
        BigInteger number = BigInteger.ZERO;
        DataSpaceCa ca = new DataSpaceCa(suite, key, cert, number);
        if (lastCrl != null) {
            try {
                lastCrl.verify(cert.getPublicKey(), CaSchemes.provider(suite));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("stored CRL is not signed by this CA");
            }
            byte[] ext = lastCrl.getExtensionValue(Extension.cRLNumber.getId());
            if (ext != null) {
                ca.crlNumber = CRLNumber.getInstance(org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets()).getCRLNumber();
            }
            if (lastCrl.getRevokedCertificates() != null) {
                for (X509CRLEntry e : lastCrl.getRevokedCertificates()) {
                    ca.revoked.put(e.getSerialNumber(), e.getRevocationDate().toInstant());
                }
            }
        }
        return ca;
    }

    public Suite suite() {
        return suite;
    }

    public X509Certificate certificate() {
        return caCertificate;
    }

    PrivateKey privateKey() {
        return caKey;
    }

    /** Issues a zone certificate for a fresh key pair; SANs: localhost, 127.0.0.1, ::1 and {@code dnsNames}. */
    public ZoneCredential issue(String zoneId, ZoneTier tier, Duration validity, List<String> dnsNames) {
        KeyPair kp = CaSchemes.generate(suite);
        return new ZoneCredential(suite, kp.getPrivate(), issueFor(zoneId, tier, kp.getPublic(), validity, dnsNames), caCertificate);
    }

    public ZoneCredential issue(String zoneId, ZoneTier tier) {
        return issue(zoneId, tier, DEFAULT_ZONE_VALIDITY, List.of());
    }

    /** Issues a zone certificate for a public key the zone generated itself (same checks, same profile). */
    public X509Certificate issueFor(String zoneId, ZoneTier tier, PublicKey zoneKey, Duration validity, List<String> dnsNames) {
        checkZoneId(zoneId);
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(zoneKey, "zoneKey");
        if (validity == null || validity.isNegative() || validity.isZero() || validity.compareTo(MAX_ZONE_VALIDITY) > 0) {
            throw new IllegalArgumentException("zone certificate validity must be between 1 second and " + MAX_ZONE_VALIDITY.toDays() + " days");
        }
        Instant now = Instant.now();
        Instant notAfter = now.plus(validity);
        if (notAfter.isAfter(caCertificate.getNotAfter().toInstant())) {
            throw new IllegalArgumentException("zone certificate would outlive the CA certificate");
        }
        List<ASN1Encodable> sans = new ArrayList<>(List.of(new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.iPAddress, "::1")));
        for (String dns : dnsNames == null ? List.<String>of() : dnsNames) {
            if (dns == null || !DNS_NAME.matcher(dns).matches()) {
                throw new IllegalArgumentException("not a DNS name: " + (dns == null ? "null" : "'" + dns + "'"));
            }
            sans.add(new GeneralName(GeneralName.dNSName, dns));
        }
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, tier.name()).addRDN(BCStyle.CN, zoneId).build();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCertificate, serial(), Date.from(now.minus(BACKDATE)),
                    Date.from(notAfter), subject, zoneKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false, new DERSequence(sans.toArray(ASN1Encodable[]::new)))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(zoneKey))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCertificate));
            X509CertificateHolder holder = b.build(signer(suite, caKey));
            return CaSchemes.certificate(suite, holder.getEncoded());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("issuing the zone certificate failed", e);
        }
    }

    /** Revokes a certificate this CA issued; returns the new CRL. Revoking twice is a no-op for the entry. */
    public X509CRL revoke(X509Certificate zoneCertificate) {
        if (!zoneCertificate.getIssuerX500Principal().equals(caCertificate.getSubjectX500Principal())) {
            throw new IllegalArgumentException("certificate was not issued by this CA");
        }
        try {
            zoneCertificate.verify(caCertificate.getPublicKey(), CaSchemes.provider(suite));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("certificate was not issued by this CA");
        }
        revoked.putIfAbsent(zoneCertificate.getSerialNumber(), Instant.now());
        return crl();
    }

    public boolean isRevoked(BigInteger serial) {
        return revoked.containsKey(serial);
    }

    /** A freshly signed CRL (next CRL number) listing every revocation; valid for {@link #CRL_VALIDITY}. */
    public X509CRL crl() {
        Instant now = Instant.now();
        crlNumber = crlNumber.add(BigInteger.ONE);
        try {
            X509v2CRLBuilder b = new X509v2CRLBuilder(X500Name.getInstance(caCertificate.getSubjectX500Principal().getEncoded()),
                    Date.from(now.minus(BACKDATE)));
            b.setNextUpdate(Date.from(now.plus(CRL_VALIDITY)));
            for (Map.Entry<BigInteger, Instant> e : revoked.entrySet()) {
                b.addCRLEntry(e.getKey(), Date.from(e.getValue()), CRLReason.unspecified);
            }
            b.addExtension(Extension.cRLNumber, false, new CRLNumber(crlNumber));
            b.addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(caCertificate));
            X509CRLHolder holder = b.build(signer(suite, caKey));
            return CaSchemes.crl(suite, holder.getEncoded());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("signing the CRL failed", e);
        }
    }

    /** Trust in this CA with its current CRL. */
    public DataSpaceTrust trust() {
        return new DataSpaceTrust(caCertificate, crl());
    }

    static void checkZoneId(String zoneId) {
        if (zoneId == null || !ZONE_ID.matcher(zoneId).matches()) {
            throw new IllegalArgumentException("zone id must match " + ZONE_ID.pattern());
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, CaSchemes.RANDOM).setBit(126); // positive, 16 bytes, never zero
    }

    private static ContentSigner signer(Suite suite, PrivateKey key) {
        try {
            return new JcaContentSignerBuilder(CaSchemes.signatureAlgorithm(suite))
                    .setProvider(CaSchemes.provider(suite)).setSecureRandom(CaSchemes.RANDOM).build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("signer for " + suite + " unavailable", e);
        }
    }

}
