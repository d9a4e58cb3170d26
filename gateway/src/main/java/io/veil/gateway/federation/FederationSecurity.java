package io.veil.gateway.federation;

import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.api.Problems;
import io.veil.gateway.config.VeilProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;

/**
 * The zone-to-zone API has its own filter chain, ahead of the OAuth2 one: no bearer tokens, only
 * peer-zone signatures (and the mTLS client certificate when the federation connector is on).
 * Anything under /federation/** other than the v1 API is denied.
 */
@Configuration
class FederationSecurity {

    @Bean
    @Order(0)
    SecurityFilterChain federation(HttpSecurity http, ZoneRequestVerifier verifier, ZoneMembership membership,
                                   ZoneKeyStore keys, VeilProperties veil, FederationProperties fed,
                                   FederationTransport transport) throws Exception {
        ZoneAuthFilter auth = new ZoneAuthFilter(verifier, membership, keys.zoneSigningKey(), veil.zone().id(),
                fed.maxRequestBytes(), transport);
        http.securityMatcher("/federation/**")
            .csrf(c -> c.disable())
            .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .requestCache(c -> c.disable())
            .anonymous(a -> a.disable())
            .addFilterBefore(auth, AuthorizationFilter.class)
            .authorizeHttpRequests(a -> a
                .requestMatchers("/federation/v1/**").hasRole(ZoneAuthentication.ROLE)
                .anyRequest().denyAll())
            .exceptionHandling(e -> e
                .authenticationEntryPoint((req, res, ex) ->
                    Problems.write(res, HttpStatus.UNAUTHORIZED, "ZONE_SIGNATURE_MISSING", "zone requests must be signed"))
                .accessDeniedHandler((req, res, ex) ->
                    Problems.write(res, HttpStatus.FORBIDDEN, "FORBIDDEN", "not allowed for a peer zone")));
        return http.build();
    }
}
