package io.veil.gateway.federation;

import javax.net.ssl.SSLContext;

/** Mutual TLS for the zone-to-zone API (pending the data-space CA). */
final class FederationTls {
    private FederationTls() {}

    /** The outbound TLS context for calls to {@code peerZone}, or null when no TLS is configured. */
    static SSLContext clientContext(FederationProperties fed, String peerZone) {
        if (fed.tls() == null) return null;
        throw new IllegalStateException("veil.federation.tls is not supported yet");
    }
}
