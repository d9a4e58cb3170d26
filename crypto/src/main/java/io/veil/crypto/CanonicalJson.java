package io.veil.crypto;

/** RFC 8785 JSON Canonicalization Scheme (JCS). */
public final class CanonicalJson {
    private CanonicalJson() {}

    /** Canonical UTF-8 bytes of a JSON text. Rejects invalid JSON, duplicate keys and non-finite numbers. */
    public static byte[] canonicalize(String json) {
        throw new UnsupportedOperationException("implemented by the crypto module");
    }
}
