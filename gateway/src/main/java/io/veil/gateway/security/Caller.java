package io.veil.gateway.security;

import io.veil.gateway.api.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import java.util.Set;
import java.util.stream.Collectors;

/** The authenticated organisation behind a request: org id, roles and client id. */
public record Caller(String org, Set<String> roles, String clientId) {

    public static Caller current() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        if (!(a instanceof JwtAuthenticationToken jwt)) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "UNAUTHENTICATED", "authentication required");
        }
        Object org = jwt.getTokenAttributes().get(ClaimMapping.ORG_ATTRIBUTE);
        if (!(org instanceof String o) || o.isBlank()) {
            throw ApiException.forbidden("ORG_MISSING", "token carries no organisation");
        }
        Set<String> roles = jwt.getAuthorities().stream().map(g -> g.getAuthority())
                .filter(r -> r.startsWith("ROLE_")).map(r -> r.substring(5)).collect(Collectors.toSet());
        Object azp = jwt.getTokenAttributes().getOrDefault("azp", jwt.getTokenAttributes().get("client_id"));
        return new Caller(o, roles, azp == null ? jwt.getName() : azp.toString());
    }

    public boolean has(String role) { return roles.contains(role); }
}
