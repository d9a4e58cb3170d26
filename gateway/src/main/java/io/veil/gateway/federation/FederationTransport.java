package io.veil.gateway.federation;

import io.veil.crypto.Suite;
import io.veil.crypto.ca.CaDirectory;
import io.veil.crypto.ca.CertificateCheck;
import io.veil.crypto.ca.DataSpaceTrust;
import io.veil.crypto.ca.ZoneCredential;
import io.veil.crypto.ca.ZoneTls;
import org.springframework.stereotype.Component;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * How zones reach each other: plain HTTP with request signatures only, or mutual TLS with the
 * key material the data-space CA issued (the zone's PKCS#12, the CA certificate and its CRL) in
 * addition. Misconfiguration stops the zone at start. The CRL is read at start; restart a zone to
 * pick up a new one.
 */
@Component
public class FederationTransport {
    private final ZoneCredential credential;
    private final char[] password;
    private final DataSpaceTrust trust;
    private final Integer port;
    private final String address;
    private final java.nio.file.Path crl;

    public FederationTransport(FederationProperties fed) {
        this.port = fed.port();
        this.address = fed.address();
        FederationProperties.Tls t = fed.tls();
        this.crl = t == null ? null : t.crl();
        if (t == null) {
            credential = null;
            password = null;
            trust = null;
            return;
        }
        if (t.zoneKeystore() == null || t.caCertificate() == null || t.crl() == null || t.zoneKeystorePassword() == null) {
            throw new IllegalStateException("veil.federation.tls needs zone-keystore, zone-keystore-password, ca-certificate and crl");
        }
        if (fed.port() == null) {
            throw new IllegalStateException("veil.federation.tls needs veil.federation.port (the mutual-TLS connector)");
        }
        try {
            password = t.zoneKeystorePassword().toCharArray();
            trust = CaDirectory.loadTrust(t.caCertificate(), t.crl());
            if (trust.suite() != Suite.INTL) {
                throw new IllegalStateException("veil.federation.tls: the JDK cannot run TLS with GM (SM2) certificates; "
                        + "use an INTL data-space CA for transport (request signatures may still use GM zone keys)");
            }
            credential = ZoneCredential.fromPkcs12(Suite.INTL, Files.readAllBytes(t.zoneKeystore()), password);
        } catch (IOException e) {
            throw new UncheckedIOException("veil.federation.tls: cannot read the zone keystore, CA certificate or CRL", e);
        }
        CertificateCheck own = trust.check(credential.certificate(), Instant.now());
        if (!own.valid()) {
            throw new IllegalStateException("veil.federation.tls: this zone's certificate is " + own.status() + " under the CA and CRL");
        }
    }

    public boolean mutualTls() {
        return trust != null;
    }

    /** The dedicated federation port, or null when /federation/** is served on the main port. */
    public Integer port() {
        return port;
    }

    /** The interface the federation connector binds to, or null for all. */
    public String address() {
        return address;
    }

    /** Outbound TLS context (client certificate + CA trust with CRL), or null without TLS. */
    SSLContext clientContext() {
        return trust == null ? null : ZoneTls.sslContext(credential, password, trust);
    }

    /** Checks a peer's certificate (chain, validity, CRL, zone profile); names its zone and tier when valid. */
    CertificateCheck check(X509Certificate[] chain) {
        return trust.check(chain, Instant.now());
    }

    java.nio.file.Path crlFile() {
        return crl;
    }

    KeyStore serverKeyStore() {
        return credential.toKeyStore(password);
    }

    String serverKeyPassword() {
        return new String(password);
    }

    KeyStore trustStore() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("veil-ca", trust.caCertificate());
            return ks;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the federation trust store");
        }
    }
}
