package io.veil.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.util.Arrays;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed commitments to content a zone records or shows: results, queries, uploads. An unsalted hash
 * of a low-entropy value (a count, a small table, a guessed file) is a confirmation oracle; a keyed
 * commitment is not, for anyone without the key.
 *
 * <p>{@code commitment = HMAC(subjectKey, content)} with HMAC-SHA256 (INTL) or HMAC-SM3 (GM), where
 * {@code subjectKey = HKDF-Expand(zoneSecret, info, 32)} (RFC 5869; the zone secret is 32 uniformly
 * random bytes, so it is used as the pseudorandom key directly) and {@code info} encodes the suite,
 * the purpose and the subject unambiguously (length-prefixed). So every (purpose, subject) pair has
 * its own key: identical content under two subjects gives unrelated commitments, and handing one
 * subject's key to a party entitled to that content ({@link #openingKey}) lets it check that one
 * commitment ({@link #verify}) and nothing else. Callers name a purpose and a subject; they never
 * see the zone secret, an algorithm or a key they did not ask to hand out.
 *
 * <p>Commitments and opening keys are 64 lower-case hex characters (32 bytes in both suites).
 */
public final class Commitments {
    static final int KEY_BYTES = 32;
    private static final Pattern PURPOSE = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    private static final Pattern HEX_32 = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_SUBJECT_BYTES = 512;
    private static final byte[] LABEL = "veil/commitment-key/v1".getBytes(StandardCharsets.US_ASCII);

    private final Suite suite;
    private final byte[] zoneSecret;

    /** @param zoneSecret the zone commitment secret (32 bytes); copied */
    Commitments(Suite suite, byte[] zoneSecret) {
        if (suite == null || zoneSecret == null || zoneSecret.length != KEY_BYTES) {
            throw new IllegalArgumentException("a zone commitment secret is " + KEY_BYTES + " bytes");
        }
        this.suite = suite;
        this.zoneSecret = zoneSecret.clone();
    }

    public Suite suite() {
        return suite;
    }

    /**
     * The commitment to {@code content} for {@code subjectId} (e.g. a job id) under {@code purpose}
     * (e.g. {@code job-result}; lower-case letters, digits and '-', at most 40).
     */
    public String commit(String purpose, String subjectId, byte[] content) {
        if (content == null) throw new IllegalArgumentException("content is required");
        byte[] key = subjectKey(purpose, subjectId);
        try {
            return Hex.encode(mac(suite, key, content));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * The key that opens this subject's commitments under {@code purpose}: hand it only to a party
     * entitled to the content (it can then test guesses against this one commitment, nothing more).
     */
    public String openingKey(String purpose, String subjectId) {
        byte[] key = subjectKey(purpose, subjectId);
        try {
            return Hex.encode(key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Whether {@code commitment} commits to {@code content} under {@code openingKey}, for a zone of
     * {@code suite}. Needs no zone secret. A malformed key or commitment is a mismatch, not an error.
     */
    public static boolean verify(Suite suite, String openingKey, byte[] content, String commitment) {
        if (suite == null || content == null || openingKey == null || commitment == null
                || !HEX_32.matcher(openingKey).matches() || !HEX_32.matcher(commitment).matches()) {
            return false;
        }
        byte[] key = Hex.decode(openingKey);
        try {
            return MessageDigest.isEqual(mac(suite, key, content), Hex.decode(commitment));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** HKDF-Expand with one output block: T(1) = HMAC(zoneSecret, info ‖ 0x01). */
    private byte[] subjectKey(String purpose, String subjectId) {
        if (purpose == null || !PURPOSE.matcher(purpose).matches()) {
            throw new IllegalArgumentException("purpose must match " + PURPOSE.pattern());
        }
        if (subjectId == null || subjectId.isEmpty()) throw new IllegalArgumentException("subject id is required");
        byte[] p = purpose.getBytes(StandardCharsets.US_ASCII);
        byte[] s = subjectId.getBytes(StandardCharsets.UTF_8);
        if (s.length > MAX_SUBJECT_BYTES) throw new IllegalArgumentException("subject id longer than " + MAX_SUBJECT_BYTES + " bytes");
        byte[] sn = suite.name().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer info = ByteBuffer.allocate(LABEL.length + 3 * 2 + sn.length + p.length + s.length + 1);
        info.put(LABEL);
        for (byte[] field : new byte[][] {sn, p, s}) {
            info.putShort((short) field.length).put(field);
        }
        info.put((byte) 0x01);
        return mac(suite, zoneSecret, info.array());
    }

    static byte[] mac(Suite suite, byte[] key, byte[] content) {
        try {
            Mac mac;
            if (suite == Suite.INTL) {
                Provider sunJce = Providers.jdk("SunJCE");
                mac = sunJce != null ? Mac.getInstance("HmacSHA256", sunJce) : Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
            } else {
                mac = Mac.getInstance("HMACSM3", Providers.bc());
                mac.init(new SecretKeySpec(key, "HMACSM3"));
            }
            return mac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC of suite " + suite + " unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "Commitments[" + suite + "]"; // never the secret
    }
}
