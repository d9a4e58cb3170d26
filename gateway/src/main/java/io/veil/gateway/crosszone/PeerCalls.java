package io.veil.gateway.crosszone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.federation.FederationClient;
import io.veil.gateway.federation.TrustedZone;
import io.veil.gateway.federation.ZoneAuthentication;
import io.veil.gateway.federation.ZoneDirectory;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * Outbound cross-zone calls over the signed zone-to-zone API ({@link FederationClient}), with
 * refusals of the peer turned into problems that keep the peer's stable code. Every request and
 * response body passes the registered taps, so a test can inspect all cross-zone traffic.
 */
@Component
public class PeerCalls {
    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private final FederationClient client;
    private final ZoneDirectory directory;
    private final List<BiConsumer<String, byte[]>> taps = new CopyOnWriteArrayList<>();

    PeerCalls(FederationClient client, ZoneDirectory directory) {
        this.client = client;
        this.directory = directory;
    }

    /** Sees every body sent to or received from a peer (path, bytes). For tests and diagnostics; never logs. */
    public void tap(BiConsumer<String, byte[]> tap) {
        taps.add(tap);
    }

    TrustedZone peer(String zoneId) {
        return directory.trusted(zoneId).orElseThrow(() -> ApiException.notFound("zone"));
    }

    /** The authenticated peer zone of the current zone-to-zone request. */
    static TrustedZone caller() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        if (!(a instanceof ZoneAuthentication z)) throw new ApiException(HttpStatus.UNAUTHORIZED, "ZONE_SIGNATURE_MISSING", "zone requests must be signed");
        return z.zone();
    }

    JsonNode postJson(TrustedZone peer, String path, Object body) {
        byte[] out = post(peer, path, json(body));
        try {
            return JSON.readTree(out);
        } catch (java.io.IOException e) {
            throw new ApiException(HttpStatus.BAD_GATEWAY, "PEER_ANSWER_INVALID", "the peer zone's answer is not JSON");
        }
    }

    /** POSTs and returns the body of a 2xx answer (empty for 204); a refusal becomes an ApiException with the peer's code. */
    byte[] post(TrustedZone peer, String path, byte[] body) {
        taps.forEach(t -> t.accept(path, body));
        FederationClient.Reply r;
        try {
            r = client.post(peer, path, body);
        } catch (FederationClient.CallFailed e) {
            throw new ApiException(HttpStatus.BAD_GATEWAY, "PEER_UNAVAILABLE", "zone " + peer.zoneId() + " could not be reached ("
                    + e.code() + ")");
        }
        taps.forEach(t -> t.accept(path, r.body()));
        if (r.status() >= 200 && r.status() < 300) return r.body();
        String code = "PEER_REFUSED";
        String detail = "zone " + peer.zoneId() + " refused the request";
        try {
            JsonNode p = JSON.readTree(r.body());
            if (p.path("code").isTextual() && p.path("code").asText().matches("[A-Z][A-Z0-9_]{0,63}")) code = p.path("code").asText();
            if (p.path("detail").isTextual()) detail = "zone " + peer.zoneId() + ": " + truncate(p.path("detail").asText());
        } catch (java.io.IOException | RuntimeException e) {
            // keep the generic code
        }
        HttpStatus status = r.status() >= 500 ? HttpStatus.BAD_GATEWAY
                : HttpStatus.resolve(r.status()) == null ? HttpStatus.BAD_GATEWAY : HttpStatus.valueOf(r.status());
        throw new ApiException(status, code, detail);
    }

    static byte[] json(Object o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String truncate(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", " ");
        return clean.length() > 300 ? clean.substring(0, 300) : clean;
    }
}
