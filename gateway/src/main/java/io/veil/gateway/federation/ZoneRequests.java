package io.veil.gateway.federation;

import io.veil.crypto.Hex;
import io.veil.crypto.Suite;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The signed forms of zone-to-zone requests and responses (docs/federation.md). A request is
 * signed by the calling zone's signing key over
 * <pre>
 * VEIL-ZONE-REQUEST-1 \n METHOD \n raw-path \n raw-query \n hex(hash(body)) \n timestamp \n nonce \n caller-zone \n target-zone
 * </pre>
 * where hash is the caller's suite hash (SHA-256 or SM3). Naming the target zone stops a request
 * meant for one zone being replayed to another. The response is signed by the answering zone over
 * status, the request's nonce and the hash of the response body, binding it to that one request.
 */
public final class ZoneRequests {
    public static final String ZONE = "Veil-Zone";
    public static final String TIMESTAMP = "Veil-Timestamp";
    public static final String NONCE = "Veil-Nonce";
    public static final String SIGNATURE = "Veil-Signature";

    /** Zone ids name peers in configuration, headers and ledger subjects. */
    public static final Pattern ZONE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    /** At least 128 bits of randomness in base64url. */
    public static final Pattern NONCE_FORMAT = Pattern.compile("[A-Za-z0-9_-]{22,64}");
    static final Pattern TIMESTAMP_FORMAT = Pattern.compile("[0-9]{1,12}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ZoneRequests() {}

    public static byte[] requestToSign(String method, String rawPath, String rawQuery, byte[] body, Suite callerSuite,
                                       long epochSeconds, String nonce, String callerZone, String targetZone) {
        String s = "VEIL-ZONE-REQUEST-1\n" + method + "\n" + rawPath + "\n" + (rawQuery == null ? "" : rawQuery) + "\n"
                + Hex.encode(callerSuite.hash(body)) + "\n" + epochSeconds + "\n" + nonce + "\n" + callerZone + "\n" + targetZone;
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] responseToSign(int status, String requestNonce, byte[] body, Suite responderSuite,
                                        String responderZone, String callerZone) {
        String s = "VEIL-ZONE-RESPONSE-1\n" + status + "\n" + requestNonce + "\n" + Hex.encode(responderSuite.hash(body))
                + "\n" + responderZone + "\n" + callerZone;
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static String newNonce() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Standard base64 (with padding) of a signature; decoding failures are treated as bad signatures. */
    public static String encodeSignature(byte[] sig) {
        return Base64.getEncoder().encodeToString(sig);
    }

    public static byte[] decodeSignature(String header) {
        if (header == null || header.length() > 512) return null;
        try {
            return Base64.getDecoder().decode(header);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
