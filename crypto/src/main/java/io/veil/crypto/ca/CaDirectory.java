package io.veil.crypto.ca;

import io.veil.crypto.Suite;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * The CA's files in one directory (outside any git work tree):
 * <pre>
 * ca.properties   suite
 * ca.p12          CA key + certificate (alias "ca"), owner-only, CA password
 * ca.crt          CA certificate, PEM (distribute to every zone as the trust anchor)
 * ca.crl          current CRL, PEM (distribute too; re-sign with "crl" before it expires)
 * zones/ID.p12    zone key + [zone, CA] chain (alias "zone"), owner-only, zone password
 * zones/ID.crt    zone certificate, PEM
 * </pre>
 * INTL keystores are the JDK's PKCS#12 (keytool and JSSE read them); GM ones are Bouncy Castle's.
 */
public final class CaDirectory {
    static final String CA_ALIAS = "ca";

    private final Path dir;
    private final char[] caPassword;
    private final DataSpaceCa ca;

    private CaDirectory(Path dir, char[] caPassword, DataSpaceCa ca) {
        this.dir = dir;
        this.caPassword = caPassword.clone();
        this.ca = ca;
    }

    public static CaDirectory init(Path dir, Suite suite, String name, char[] caPassword) throws IOException {
        ZoneCredential.requirePassword(caPassword);
        CaFiles.requireOutsideGitWorkTree(dir);
        if (Files.exists(dir.resolve("ca.p12"))) {
            throw new IllegalStateException("a CA already exists in " + dir);
        }
        DataSpaceCa ca = DataSpaceCa.create(suite, name);
        Properties props = new Properties();
        props.setProperty("suite", suite.name());
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        props.store(p, "Veil data-space CA");
        CaDirectory d = new CaDirectory(dir, caPassword, ca);
        try {
            KeyStore ks = CaSchemes.newPkcs12(suite);
            ks.load(null, null);
            ks.setKeyEntry(CA_ALIAS, ca.privateKey(), caPassword, new Certificate[] {ca.certificate()});
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ks.store(out, caPassword);
            CaFiles.write(dir.resolve("ca.p12"), out.toByteArray(), true);
            CaFiles.write(dir.resolve("ca.crt"), CaFiles.pem("CERTIFICATE", ca.certificate().getEncoded()), false);
        } catch (GeneralSecurityException e) {
            throw new IOException("writing the CA keystore failed", e);
        }
        d.writeCrl(ca.crl());
        CaFiles.write(dir.resolve("ca.properties"), p.toByteArray(), false);
        return d;
    }

    public static CaDirectory open(Path dir, char[] caPassword) throws IOException {
        Properties props = new Properties();
        Path propsFile = dir.resolve("ca.properties");
        if (!Files.exists(propsFile)) {
            throw new IOException("no CA in " + dir + " (run init first)");
        }
        try (InputStream in = Files.newInputStream(propsFile)) {
            props.load(in);
        }
        Suite suite;
        try {
            suite = Suite.valueOf(props.getProperty("suite", ""));
        } catch (IllegalArgumentException e) {
            throw new IOException("ca.properties names no valid suite");
        }
        KeyStore ks = Pkcs12Files.load(suite, Files.readAllBytes(dir.resolve("ca.p12")), caPassword);
        try {
            PrivateKey key = (PrivateKey) ks.getKey(CA_ALIAS, caPassword);
            X509Certificate cert = CaSchemes.certificate(suite, ks.getCertificate(CA_ALIAS).getEncoded());
            X509CRL crl = CaSchemes.crl(suite, Files.readAllBytes(dir.resolve("ca.crl")));
            return new CaDirectory(dir, caPassword, DataSpaceCa.restore(suite, key, cert, crl));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException("CA keystore or CRL unreadable", e);
        }
    }

    public DataSpaceCa ca() {
        return ca;
    }

    public Path zoneKeystore(String zoneId) {
        DataSpaceCa.checkZoneId(zoneId);
        return dir.resolve("zones").resolve(zoneId + ".p12");
    }

    public Path zoneCertificate(String zoneId) {
        DataSpaceCa.checkZoneId(zoneId);
        return dir.resolve("zones").resolve(zoneId + ".crt");
    }

    /** Issues and stores a zone credential; refused while the zone holds an unrevoked certificate. */
    public ZoneCredential issue(String zoneId, ZoneTier tier, Duration validity, List<String> dnsNames, char[] zonePassword) throws IOException {
        ZoneCredential.requirePassword(zonePassword);
        Path certFile = zoneCertificate(zoneId);
        if (Files.exists(certFile) && !ca.isRevoked(readZoneCertificate(zoneId).getSerialNumber())) {
            throw new IllegalStateException("zone " + zoneId + " already has an unrevoked certificate; revoke it first");
        }
        ZoneCredential z = ca.issue(zoneId, tier, validity, dnsNames);
        try {
            CaFiles.write(zoneKeystore(zoneId), z.toPkcs12(zonePassword), true);
            CaFiles.write(certFile, CaFiles.pem("CERTIFICATE", z.certificate().getEncoded()), false);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException("encoding the zone certificate failed", e);
        }
        return z;
    }

    /** Revokes the zone's current certificate and publishes the new CRL. */
    public X509CRL revoke(String zoneId) throws IOException {
        if (!Files.exists(zoneCertificate(zoneId))) {
            throw new IllegalArgumentException("no certificate issued to zone " + zoneId);
        }
        X509CRL crl = ca.revoke(readZoneCertificate(zoneId));
        writeCrl(crl);
        return crl;
    }

    /** Re-signs the CRL (new number, new next-update). */
    public X509CRL refreshCrl() throws IOException {
        X509CRL crl = ca.crl();
        writeCrl(crl);
        return crl;
    }

    public X509Certificate readZoneCertificate(String zoneId) throws IOException {
        try {
            return CaSchemes.certificate(ca.suite(), Files.readAllBytes(zoneCertificate(zoneId)));
        } catch (GeneralSecurityException e) {
            throw new IOException("zone certificate unreadable", e);
        }
    }

    /** Trust from the published files: what a zone loads from ca.crt and ca.crl. */
    public static DataSpaceTrust loadTrust(Path caCertificatePem, Path crlPem) throws IOException {
        byte[] certBytes = Files.readAllBytes(caCertificatePem);
        try {
            X509Certificate ca = CaSchemes.certificate(Suite.GM, certBytes); // BC parses both suites
            Suite suite = CaSchemes.suiteOf(ca);
            return new DataSpaceTrust(CaSchemes.certificate(suite, certBytes), CaSchemes.crl(suite, Files.readAllBytes(crlPem)));
        } catch (GeneralSecurityException e) {
            throw new IOException("CA certificate or CRL unreadable", e);
        }
    }

    private void writeCrl(X509CRL crl) throws IOException {
        try {
            CaFiles.write(dir.resolve("ca.crl"), CaFiles.pem("X509 CRL", crl.getEncoded()), false);
        } catch (java.security.cert.CRLException e) {
            throw new IOException("encoding the CRL failed", e);
        }
    }

    @Override
    public String toString() {
        return "CaDirectory[" + dir + ", " + ca.suite() + "]";
    }


}
