package io.veil.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;

/**
 * A zone's crypto suite. INTL: AES-256-GCM, Ed25519, SHA-256. GM (国密): SM4-GCM, SM2 with SM3
 * (user id per GB/T 32918), SM3. Callers pick a suite, never an algorithm, IV or mode.
 */
public enum Suite {
    INTL,
    GM;

    /** Hash of {@code data} (SHA-256 or SM3; both 32 bytes). */
    public byte[] hash(byte[] data) {
        return newDigest().digest(data);
    }

    /** A fresh incremental hasher for this suite. */
    public MessageDigest newDigest() {
        try {
            if (this == INTL) {
                Provider sun = Providers.jdk("SUN");
                return sun != null ? MessageDigest.getInstance("SHA-256", sun) : MessageDigest.getInstance("SHA-256");
            }
            return MessageDigest.getInstance("SM3", Providers.bc());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("hash of suite " + this + " unavailable", e);
        }
    }
}
