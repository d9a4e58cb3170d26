package io.veil.crypto;

/**
 * A zone's crypto suite. INTL: AES-256-GCM, Ed25519, SHA-256. GM (国密): SM4-GCM, SM2 with SM3
 * (user id per GB/T 32918), SM3. Callers pick a suite, never an algorithm, IV or mode.
 */
public enum Suite {
    INTL,
    GM;

    /** Hash of {@code data} (SHA-256 or SM3; both 32 bytes). */
    public byte[] hash(byte[] data) {
        throw new UnsupportedOperationException("implemented by the crypto module");
    }

    /** A fresh incremental hasher for this suite. */
    public java.security.MessageDigest newDigest() {
        throw new UnsupportedOperationException("implemented by the crypto module");
    }
}
