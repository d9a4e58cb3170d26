package io.veil.gateway.federation;

import io.veil.crypto.SigningKey;
import io.veil.gateway.support.ApiClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Hand-built zone requests, so tests can sign them right, wrong, late or twice. */
final class SignedCalls {
    private final HttpClient http;
    private final String base;

    /** Plain HTTP to {@code port}. */
    SignedCalls(int port) {
        this.http = HttpClient.newHttpClient();
        this.base = "http://127.0.0.1:" + port;
    }

    /** HTTPS to {@code port} with {@code tls} (client certificate and trust as the caller chooses). */
    SignedCalls(int port, javax.net.ssl.SSLContext tls) {
        this.http = HttpClient.newBuilder().sslContext(tls).build();
        this.base = "https://127.0.0.1:" + port;
    }

    /** The four Veil headers for a GET of {@code pathAndQuery}, signed by {@code key} as {@code zone} for {@code target}. */
    static Map<String, String> headers(SigningKey key, String zone, String target, String pathAndQuery, long epochSeconds,
                                       String nonce) {
        URI u = URI.create("http://x" + pathAndQuery);
        byte[] sig = key.sign(ZoneRequests.requestToSign("GET", u.getRawPath(), u.getRawQuery(), new byte[0], key.suite(),
                epochSeconds, nonce, zone, target));
        Map<String, String> h = new LinkedHashMap<>();
        h.put(ZoneRequests.ZONE, zone);
        h.put(ZoneRequests.TIMESTAMP, Long.toString(epochSeconds));
        h.put(ZoneRequests.NONCE, nonce);
        h.put(ZoneRequests.SIGNATURE, ZoneRequests.encodeSignature(sig));
        return h;
    }

    static Map<String, String> headers(SigningKey key, String zone, String target, String pathAndQuery) {
        return headers(key, zone, target, pathAndQuery, Instant.now().getEpochSecond(), ZoneRequests.newNonce());
    }

    record Reply(ApiClient.Response response, String zone, String signature) {}

    Reply get(String pathAndQuery, Map<String, String> headers) {
        try {
            return send(pathAndQuery, headers);
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Like {@link #get} but lets connection and TLS failures through. */
    Reply send(String pathAndQuery, Map<String, String> headers) throws java.io.IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).GET();
        headers.forEach(b::header);
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(new ApiClient.Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body()),
                r.headers().firstValue(ZoneRequests.ZONE).orElse(null), r.headers().firstValue(ZoneRequests.SIGNATURE).orElse(null));
    }
}
