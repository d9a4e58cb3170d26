package io.veil.crypto;

import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Where each algorithm comes from. INTL algorithms are pinned to the JDK providers by name, so a
 * caller that inserts Bouncy Castle at position 1 cannot silently change them; GM algorithms use
 * the Bouncy Castle instance held here.
 */
final class Providers {
    static final SecureRandom RANDOM = new SecureRandom();

    private Providers() {}

    /** Bouncy Castle, registered at the end of the provider list on first use (never ahead of the JDK). */
    static Provider bc() {
        return BcHolder.BC;
    }

    /** The named JDK provider ("SUN", "SunJCE", "SunEC"); null means "default lookup" on unusual JDKs. */
    static Provider jdk(String name) {
        return Security.getProvider(name);
    }

    private static final class BcHolder {
        static final Provider BC = install();

        private static Provider install() {
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
}
