package io.veil.crypto.ca;

import io.veil.crypto.Suite;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Objects;

/** A zone's private key with its certificate and the issuing CA certificate. */
public final class ZoneCredential {
    /** Alias of the key entry in the zone's PKCS#12 file. */
    public static final String ALIAS = "zone";

    private final Suite suite;
    private final PrivateKey privateKey;
    private final X509Certificate certificate;
    private final X509Certificate caCertificate;

    ZoneCredential(Suite suite, PrivateKey privateKey, X509Certificate certificate, X509Certificate caCertificate) {
        this.suite = suite;
        this.privateKey = Objects.requireNonNull(privateKey);
        this.certificate = Objects.requireNonNull(certificate);
        this.caCertificate = Objects.requireNonNull(caCertificate);
    }

    public Suite suite() {
        return suite;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /** The private key, for a KeyManager or a signer; never log or serialise it outside {@link #toPkcs12}. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** A keystore holding the key under {@link #ALIAS} with the chain [zone, CA]. */
    public KeyStore toKeyStore(char[] password) {
        try {
            KeyStore ks = CaSchemes.newPkcs12(suite);
            ks.load(null, null);
            ks.setKeyEntry(ALIAS, privateKey, password, new Certificate[] {certificate, caCertificate});
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("building the zone keystore failed", e);
        }
    }

    /** PKCS#12 bytes, protected by {@code password}. */
    public byte[] toPkcs12(char[] password) {
        requirePassword(password);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            toKeyStore(password).store(out, password);
            return out.toByteArray();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("writing the zone keystore failed", e);
        }
    }

    /** Reads a zone PKCS#12 written by {@link #toPkcs12}; a wrong password or other content is an IOException. */
    public static ZoneCredential fromPkcs12(Suite suite, byte[] pkcs12, char[] password) throws IOException {
        KeyStore ks = Pkcs12Files.load(suite, pkcs12, password);
        try {
            if (!ks.isKeyEntry(ALIAS)) {
                throw new IOException("keystore has no '" + ALIAS + "' key entry");
            }
            Certificate[] chain = ks.getCertificateChain(ALIAS);
            if (chain == null || chain.length != 2) {
                throw new IOException("zone keystore chain must be [zone, CA]");
            }
            return new ZoneCredential(suite, (PrivateKey) ks.getKey(ALIAS, password),
                    (X509Certificate) chain[0], (X509Certificate) chain[1]);
        } catch (GeneralSecurityException e) {
            throw new IOException("zone keystore unreadable", e);
        }
    }

    static void requirePassword(char[] password) {
        if (password == null || password.length < 8) {
            throw new IllegalArgumentException("keystore password must have at least 8 characters");
        }
    }

    @Override
    public String toString() {
        return "ZoneCredential[" + certificate.getSubjectX500Principal().getName() + ", serial "
                + certificate.getSerialNumber().toString(16) + "]";
    }
}
