package io.veil.crypto.ca;

import io.veil.crypto.Suite;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

final class Pkcs12Files {
    private Pkcs12Files() {}

    static KeyStore load(Suite suite, byte[] pkcs12, char[] password) throws IOException {
        try {
            KeyStore ks = CaSchemes.newPkcs12(suite);
            ks.load(new ByteArrayInputStream(pkcs12), password);
            return ks;
        } catch (GeneralSecurityException e) {
            throw new IOException("keystore unreadable", e);
        } catch (IOException e) {
            throw new IOException("keystore unreadable (wrong password or not PKCS#12)", e);
        }
    }
}
