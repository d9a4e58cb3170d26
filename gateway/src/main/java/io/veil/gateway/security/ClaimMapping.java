package io.veil.gateway.security;

import io.veil.gateway.config.VeilProperties;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps an issuer's claims onto Veil's roles and organisation. Claim names are dotted paths so the
 * same code reads the embedded server's flat {@code roles}/{@code org} and Keycloak's
 * {@code realm_access.roles}. Only the four Veil roles are recognised; anything else is ignored
 * (deny by default).
 */
public final class ClaimMapping implements Converter<Jwt, AbstractAuthenticationToken> {
    public static final String ORG_ATTRIBUTE = "veil_org";
    public static final Set<String> ROLES = Set.of("provider", "consumer", "auditor", "zone-admin");

    private final String rolesClaim;
    private final String orgClaim;

    public ClaimMapping(VeilProperties.Identity identity) {
        this.rolesClaim = identity.rolesClaim();
        this.orgClaim = identity.orgClaim();
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        for (String claim : rolesClaim.split(",")) {
            if (path(jwt.getClaims(), claim.trim()) instanceof Collection<?> roles) {
                for (Object r : roles) {
                    if (r instanceof String s && ROLES.contains(s)) authorities.add(new SimpleGrantedAuthority("ROLE_" + s));
                }
            }
        }
        Map<String, Object> attrs = new HashMap<>(jwt.getClaims());
        Object org = path(jwt.getClaims(), orgClaim);
        if (org instanceof Collection<?> c && c.size() == 1) org = c.iterator().next(); // Keycloak user attributes may be multivalued
        if (org instanceof String s && s.matches("[A-Za-z0-9._-]{1,64}")) attrs.put(ORG_ATTRIBUTE, s);
        Jwt withOrg = new Jwt(jwt.getTokenValue(), jwt.getIssuedAt(), jwt.getExpiresAt(), jwt.getHeaders(), attrs);
        return new JwtAuthenticationToken(withOrg, authorities, jwt.getSubject());
    }

    private static Object path(Map<String, Object> claims, String dotted) {
        Object cur = claims;
        for (String part : dotted.split("\\.")) {
            if (!(cur instanceof Map<?, ?> m)) return null;
            cur = m.get(part);
        }
        return cur;
    }
}
