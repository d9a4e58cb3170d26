package io.veil.gateway.security;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.veil.gateway.api.Problems;
import io.veil.gateway.config.VeilProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.web.SecurityFilterChain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway is an OAuth2 resource server: every /api/** call needs a JWT from the configured
 * issuer, and every endpoint additionally checks a role (method security). Unauthenticated → 401,
 * wrong role → 403, both as problem+json.
 */
@Configuration
@EnableMethodSecurity
public class SecurityConfig {

    @Bean
    @Order(2)
    SecurityFilterChain api(HttpSecurity http, VeilProperties props) throws Exception {
        http.csrf(c -> c.disable())
            .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .authorizeHttpRequests(a -> a
                .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**").permitAll()
                .requestMatchers("/actuator/prometheus", "/actuator/metrics/**").hasRole("zone-admin")
                .requestMatchers("/api/**").authenticated()
                .anyRequest().denyAll())
            .oauth2ResourceServer(o -> o
                .jwt(j -> j.jwtAuthenticationConverter(new ClaimMapping(props.identity())))
                .authenticationEntryPoint((req, res, ex) ->
                    Problems.write(res, HttpStatus.UNAUTHORIZED, "UNAUTHENTICATED", "a valid bearer token is required"))
                .accessDeniedHandler((req, res, ex) ->
                    Problems.write(res, HttpStatus.FORBIDDEN, "FORBIDDEN", "your role does not allow this operation")))
            .exceptionHandling(e -> e
                .authenticationEntryPoint((req, res, ex) ->
                    Problems.write(res, HttpStatus.UNAUTHORIZED, "UNAUTHENTICATED", "a valid bearer token is required"))
                .accessDeniedHandler((req, res, ex) ->
                    Problems.write(res, HttpStatus.FORBIDDEN, "FORBIDDEN", "your role does not allow this operation")));
        return http.build();
    }

    /**
     * Validates tokens by issuer. Embedded mode verifies against the in-process key set (no HTTP
     * round trip to ourselves); external mode discovers the issuer's keys (Keycloak).
     */
    @Bean
    JwtDecoder jwtDecoder(VeilProperties props, ObjectProvider<JWKSource<SecurityContext>> embeddedKeys) {
        VeilProperties.Identity id = props.identity();
        NimbusJwtDecoder decoder = id.embedded()
                ? (NimbusJwtDecoder) OAuth2AuthorizationServerConfiguration.jwtDecoder(embeddedKeys.getObject())
                : NimbusJwtDecoder.withIssuerLocation(id.issuer()).build();
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(new JwtTimestampValidator(Duration.ofSeconds(id.clockSkewSeconds())));
        validators.add(new JwtIssuerValidator(id.issuer()));
        if (!id.audiences().isEmpty()) validators.add(audience(id.audiences()));
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
        return decoder;
    }

    private static OAuth2TokenValidator<Jwt> audience(List<String> accepted) {
        OAuth2Error error = new OAuth2Error("invalid_token", "token audience not accepted", null);
        return jwt -> jwt.getAudience() != null && jwt.getAudience().stream().anyMatch(accepted::contains)
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(error);
    }
}
