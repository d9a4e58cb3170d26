package io.veil.gateway.federation;

import io.veil.crypto.Suite;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.util.List;

/**
 * Zone-to-zone federation, under {@code veil.federation.}: the trusted peer zones, the request
 * signature window, catalog sync and (once the zone holds a CA-issued certificate) the mutual-TLS
 * connector. No peers configured means a stand-alone zone: every federation request is refused
 * with ZONE_UNKNOWN (deny by default).
 *
 * @param peers             trusted peer zones
 * @param revokedZones      zone ids refused even if configured as peers
 * @param clockSkewSeconds  accepted |request timestamp - now| (replay window is twice this)
 * @param replayCacheSize   nonces remembered at most; when full of unexpired nonces requests are refused (fail closed)
 * @param maxRequestBytes   largest signed request body accepted
 * @param maxResponseBytes  largest peer response read
 * @param syncIntervalMs    how often peers' catalogs are fetched; 0 = only on demand
 * @param syncInitialDelayMs delay of the first sync after start
 * @param previewRows       synthetic preview rows exported per dataset
 * @param port              if set, /federation/** is served only on this extra connector (mTLS when {@code tls} is set)
 * @param address           interface the federation connector binds to (default: all)
 * @param tls               the zone's CA-issued key material for mutual TLS; absent = signatures over plain HTTP
 */
@ConfigurationProperties("veil.federation")
public record FederationProperties(
        @DefaultValue List<Peer> peers,
        @DefaultValue List<String> revokedZones,
        @DefaultValue("60") long clockSkewSeconds,
        @DefaultValue("100000") int replayCacheSize,
        @DefaultValue("1048576") int maxRequestBytes,
        @DefaultValue("16777216") int maxResponseBytes,
        @DefaultValue("30000") long syncIntervalMs,
        @DefaultValue("3000") long syncInitialDelayMs,
        @DefaultValue("20") int previewRows,
        Integer port,
        String address,
        Tls tls) {

    /**
     * A trusted peer zone.
     *
     * @param zoneId    the peer's {@code veil.zone.id}
     * @param url       base URL of the peer's federation endpoint, e.g. {@code http://127.0.0.1:8081}
     * @param tier      the peer's tier as this operator trusts it (PUBLIC or SOCIAL) — what a peer claims is ignored
     * @param suite     the peer's crypto suite (INTL or GM)
     * @param publicKey base64 X.509 SubjectPublicKeyInfo of the peer's zone signing key
     */
    public record Peer(String zoneId, String url, String tier, @DefaultValue("INTL") Suite suite, String publicKey) {}

    /**
     * Mutual TLS key material from the data-space CA ({@code CaMain issue}): this zone's PKCS#12
     * (alias "zone", chain [zone, CA]) and the published CA certificate and CRL (PEM). Used by the
     * inbound federation connector (client certificate required) and the outbound client. INTL
     * suite only: the JDK has no SM2 (TLCP) cipher suites.
     */
    public record Tls(Path zoneKeystore, String zoneKeystorePassword, Path caCertificate, Path crl) {}
}
