package io.veil.gateway.federation;

import io.veil.crypto.VerifyingKey;
import io.veil.gateway.config.VeilProperties;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The peer zones this zone trusts, from configuration. Invalid configuration stops the zone at
 * start (a typo must not silently become "no peer" or, worse, a half-trusted one). Revoked zones
 * stay listed so the refusal can say ZONE_REVOKED rather than ZONE_UNKNOWN.
 */
@Component
public class ZoneDirectory {
    public static final Set<String> TIERS = Set.of("PUBLIC", "SOCIAL");
    private final Map<String, TrustedZone> peers = new LinkedHashMap<>();
    private final Set<String> revoked;

    public ZoneDirectory(FederationProperties fed, VeilProperties veil) {
        this.revoked = Set.copyOf(new HashSet<>(fed.revokedZones()));
        for (FederationProperties.Peer p : fed.peers()) {
            TrustedZone z = parse(p);
            if (z.zoneId().equals(veil.zone().id())) {
                throw new IllegalStateException("veil.federation.peers: a zone cannot be its own peer (" + z.zoneId() + ")");
            }
            if (peers.putIfAbsent(z.zoneId(), z) != null) {
                throw new IllegalStateException("veil.federation.peers: zone " + z.zoneId() + " configured twice");
            }
        }
    }

    public enum Standing { TRUSTED, REVOKED, UNKNOWN }

    public Standing standing(String zoneId) {
        if (zoneId == null || !peers.containsKey(zoneId)) return Standing.UNKNOWN;
        return revoked.contains(zoneId) ? Standing.REVOKED : Standing.TRUSTED;
    }

    /** A trusted (configured, not revoked) peer. */
    public Optional<TrustedZone> trusted(String zoneId) {
        return standing(zoneId) == Standing.TRUSTED ? Optional.of(peers.get(zoneId)) : Optional.empty();
    }

    /** Every trusted (not revoked) peer. */
    public Collection<TrustedZone> trustedPeers() {
        return peers.values().stream().filter(z -> !revoked.contains(z.zoneId())).toList();
    }

    private static TrustedZone parse(FederationProperties.Peer p) {
        String where = "veil.federation.peers[" + p.zoneId() + "]";
        if (p.zoneId() == null || !ZoneRequests.ZONE_ID.matcher(p.zoneId()).matches()) {
            throw new IllegalStateException("veil.federation.peers: zone-id must match " + ZoneRequests.ZONE_ID.pattern());
        }
        if (p.tier() == null || !TIERS.contains(p.tier())) {
            throw new IllegalStateException(where + ".tier must be PUBLIC or SOCIAL");
        }
        URI url;
        try {
            url = URI.create(p.url() == null ? "" : p.url().replaceAll("/+$", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(where + ".url is not a URL");
        }
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            throw new IllegalStateException(where + ".url must be an http(s) URL with a host");
        }
        if (p.publicKey() == null || p.publicKey().isBlank()) {
            throw new IllegalStateException(where + ".public-key (base64 SPKI of the peer's zone signing key) is required");
        }
        VerifyingKey key;
        try {
            key = VerifyingKey.decode(p.suite(), Base64.getDecoder().decode(p.publicKey().strip()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(where + ".public-key is not a base64 " + p.suite() + " public key");
        }
        return new TrustedZone(p.zoneId(), p.tier(), p.suite(), url, key);
    }
}
