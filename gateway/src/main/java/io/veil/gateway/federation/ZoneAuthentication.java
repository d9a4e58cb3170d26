package io.veil.gateway.federation;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import java.util.List;

/** An authenticated peer zone (signed request verified). Its only authority is {@code ROLE_zone-peer}. */
public final class ZoneAuthentication extends AbstractAuthenticationToken {
    public static final String ROLE = "zone-peer";
    private final TrustedZone zone;
    private final String nonce;

    ZoneAuthentication(TrustedZone zone, String nonce) {
        super(List.of(new SimpleGrantedAuthority("ROLE_" + ROLE)));
        this.zone = zone;
        this.nonce = nonce;
        setAuthenticated(true);
    }

    public TrustedZone zone() { return zone; }

    String nonce() { return nonce; }

    @Override public Object getCredentials() { return ""; }

    @Override public Object getPrincipal() { return zone.zoneId(); }
}
