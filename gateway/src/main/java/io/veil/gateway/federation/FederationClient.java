package io.veil.gateway.federation;

import io.veil.crypto.SigningKey;
import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.config.VeilProperties;
import org.springframework.stereotype.Component;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Outbound zone-to-zone calls: signs each request with this zone's key, reads at most
 * {@code maxResponseBytes}, and accepts a response only if the peer signed it for this request's
 * nonce. Uses the zone's CA-issued certificate for mutual TLS when configured.
 */
@Component
public class FederationClient {
    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Z][A-Z0-9_]{0,39})\"");
    private final SigningKey key;
    private final String self;
    private final int maxResponse;
    private final HttpClient http;
    private final boolean mutualTls;

    public FederationClient(ZoneKeyStore keys, VeilProperties veil, FederationProperties fed, FederationTransport transport) {
        this.key = keys.zoneSigningKey();
        this.self = veil.zone().id();
        this.maxResponse = fed.maxResponseBytes();
        this.mutualTls = transport.mutualTls();
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER);
        SSLContext tls = transport.clientContext();
        if (tls != null) b.sslContext(tls);
        this.http = b.build();
    }

    /** A verified response from a peer. */
    public record Reply(int status, byte[] body) {}

    /** Why a call failed, as a short stable code (stored as the peer's sync status; never a body). */
    public static final class CallFailed extends Exception {
        private final String code;

        CallFailed(String code) {
            super(code, null, false, false);
            this.code = code;
        }

        public String code() { return code; }
    }

    public Reply get(TrustedZone peer, String pathAndQuery) throws CallFailed {
        URI uri = peer.url().resolve(peer.url().getRawPath() + pathAndQuery);
        return send(peer, "GET", uri, new byte[0]);
    }

    /** A signed POST of {@code body} (JSON or PSI message bytes) to the peer's zone-to-zone API. */
    public Reply post(TrustedZone peer, String path, byte[] body) throws CallFailed {
        URI uri = peer.url().resolve(peer.url().getRawPath() + path);
        return send(peer, "POST", uri, body);
    }

    Reply send(TrustedZone peer, String method, URI uri, byte[] body) throws CallFailed {
        long ts = Instant.now().getEpochSecond();
        String nonce = ZoneRequests.newNonce();
        byte[] sig = key.sign(ZoneRequests.requestToSign(method, uri.getRawPath(), uri.getRawQuery(), body, key.suite(),
                ts, nonce, self, peer.zoneId()));
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header(ZoneRequests.ZONE, self)
                .header(ZoneRequests.TIMESTAMP, Long.toString(ts))
                .header(ZoneRequests.NONCE, nonce)
                .header(ZoneRequests.SIGNATURE, ZoneRequests.encodeSignature(sig))
                .header("Accept", "application/json")
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<InputStream> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (javax.net.ssl.SSLException e) {
            throw new CallFailed("PEER_TLS_FAILED");
        } catch (IOException e) {
            throw new CallFailed("PEER_UNREACHABLE");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallFailed("INTERRUPTED");
        }
        if (mutualTls && !presentedBy(resp, peer.zoneId())) {
            closeQuietly(resp);
            throw new CallFailed("PEER_CERTIFICATE_MISMATCH");
        }
        byte[] out;
        try (InputStream in = resp.body()) {
            out = in.readNBytes(maxResponse + 1);
        } catch (IOException e) {
            throw new CallFailed("PEER_RESPONSE_TRUNCATED");
        }
        if (out.length > maxResponse) throw new CallFailed("PEER_RESPONSE_TOO_LARGE");
        String zone = resp.headers().firstValue(ZoneRequests.ZONE).orElse(null);
        byte[] rsig = ZoneRequests.decodeSignature(resp.headers().firstValue(ZoneRequests.SIGNATURE).orElse(null));
        if (!peer.zoneId().equals(zone) || rsig == null || !peer.key().verify(
                ZoneRequests.responseToSign(resp.statusCode(), nonce, out, peer.suite(), peer.zoneId(), self), rsig)) {
            // Refusals by the peer's filter are unsigned: keep their code (a bare identifier) for the operator.
            throw new CallFailed(resp.statusCode() >= 400 ? "PEER_REFUSED:" + refusalCode(out) : "PEER_SIGNATURE_INVALID");
        }
        return new Reply(resp.statusCode(), out);
    }

    /** With mutual TLS the server's certificate (already checked against CA and CRL) must be the peer's own. */
    private static boolean presentedBy(HttpResponse<?> resp, String zoneId) {
        try {
            var certs = resp.sslSession().orElseThrow().getPeerCertificates();
            if (certs.length == 0 || !(certs[0] instanceof java.security.cert.X509Certificate leaf)) return false;
            for (javax.naming.ldap.Rdn rdn : new javax.naming.ldap.LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) return zoneId.equals(rdn.getValue().toString());
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    private static void closeQuietly(HttpResponse<InputStream> resp) {
        try {
            resp.body().close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    private static String refusalCode(byte[] body) {
        Matcher m = CODE.matcher(new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8));
        return m.find() ? m.group(1) : "UNSIGNED";
    }
}
