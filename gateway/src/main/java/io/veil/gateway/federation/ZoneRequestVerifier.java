package io.veil.gateway.federation;

import io.veil.gateway.config.VeilProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import java.time.Clock;

/**
 * Decides whether a zone-to-zone request is authentic, fresh and not a replay. Checks run from
 * cheapest to dearest and a nonce is remembered only once the signature verified, so nobody but
 * the peer can use up its nonces or fill the cache with them.
 */
@Component
public class ZoneRequestVerifier {
    private final ZoneDirectory directory;
    private final String self;
    private final long skew;
    private final long startedAt;
    private final ReplayCache replays;
    private final Clock clock;

    @Autowired
    public ZoneRequestVerifier(ZoneDirectory directory, VeilProperties veil, FederationProperties fed) {
        this(directory, veil.zone().id(), fed, Clock.systemUTC());
    }

    ZoneRequestVerifier(ZoneDirectory directory, String self, FederationProperties fed, Clock clock) {
        this.directory = directory;
        this.self = self;
        this.skew = fed.clockSkewSeconds();
        this.replays = new ReplayCache(fed.replayCacheSize());
        this.clock = clock;
        this.startedAt = clock.instant().getEpochSecond();
    }

    /** A refusal as problem+json: stable code, status, and a detail that names no secret. */
    public record Refusal(HttpStatus status, String code, String detail) {}

    /** Either the authenticated peer or a refusal. */
    public record Verdict(TrustedZone zone, Refusal refusal) {
        static Verdict refuse(HttpStatus status, String code, String detail) {
            return new Verdict(null, new Refusal(status, code, detail));
        }
    }

    public Verdict verify(String method, String rawPath, String rawQuery, byte[] body,
                          String zoneHeader, String timestampHeader, String nonceHeader, String signatureHeader) {
        if (zoneHeader == null || timestampHeader == null || nonceHeader == null || signatureHeader == null) {
            return Verdict.refuse(HttpStatus.UNAUTHORIZED, "ZONE_SIGNATURE_MISSING",
                    "zone requests need the headers Veil-Zone, Veil-Timestamp, Veil-Nonce and Veil-Signature");
        }
        if (!ZoneRequests.ZONE_ID.matcher(zoneHeader).matches()) {
            return Verdict.refuse(HttpStatus.UNAUTHORIZED, "ZONE_UNKNOWN", "the calling zone is not a trusted peer");
        }
        switch (directory.standing(zoneHeader)) {
            case UNKNOWN -> {
                return Verdict.refuse(HttpStatus.UNAUTHORIZED, "ZONE_UNKNOWN", "zone " + zoneHeader + " is not a trusted peer");
            }
            case REVOKED -> {
                return Verdict.refuse(HttpStatus.FORBIDDEN, "ZONE_REVOKED", "zone " + zoneHeader + " has been revoked");
            }
            case TRUSTED -> { }
        }
        TrustedZone zone = directory.trusted(zoneHeader).orElseThrow();
        if (!ZoneRequests.TIMESTAMP_FORMAT.matcher(timestampHeader).matches()) {
            return Verdict.refuse(HttpStatus.UNAUTHORIZED, "REQUEST_EXPIRED", "Veil-Timestamp must be epoch seconds");
        }
        long ts = Long.parseLong(timestampHeader);
        long now = clock.instant().getEpochSecond();
        if (Math.abs(ts - now) > skew) {
            return Verdict.refuse(HttpStatus.UNAUTHORIZED, "REQUEST_EXPIRED",
                    "Veil-Timestamp is more than " + skew + " s away from this zone's clock");
        }
        if (ts < startedAt) {
            // Nonces are remembered in memory only: a request signed before this process started
            // could be a replay of one accepted by the previous process.
            return Verdict.refuse(HttpStatus.UNAUTHORIZED, "REQUEST_EXPIRED", "request signed before this zone started; re-sign it");
        }
        if (!ZoneRequests.NONCE_FORMAT.matcher(nonceHeader).matches()) {
            return Verdict.refuse(HttpStatus.UNAUTHORIZED, "ZONE_SIGNATURE_INVALID", "Veil-Nonce must be 22-64 base64url characters");
        }
        byte[] sig = ZoneRequests.decodeSignature(signatureHeader);
        byte[] signed = ZoneRequests.requestToSign(method, rawPath, rawQuery, body, zone.suite(), ts, nonceHeader, zone.zoneId(), self);
        if (sig == null || !zone.key().verify(signed, sig)) {
            return Verdict.refuse(HttpStatus.UNAUTHORIZED, "ZONE_SIGNATURE_INVALID", "the request signature does not verify");
        }
        return switch (replays.admit(zone.zoneId(), nonceHeader, ts + skew, now)) {
            case FRESH -> new Verdict(zone, null);
            case REPLAYED -> Verdict.refuse(HttpStatus.CONFLICT, "REQUEST_REPLAYED", "this request was already received");
            case FULL -> Verdict.refuse(HttpStatus.SERVICE_UNAVAILABLE, "REPLAY_CACHE_FULL", "too many zone requests; retry later");
        };
    }
}
