package io.veil.gateway.security;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.veil.gateway.config.VeilProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;

import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Local-profile identity: Spring Authorization Server inside the gateway issuing
 * client-credentials tokens to the demo organisations. Enabled only by
 * {@code veil.identity.embedded=true} (application-local.yml); production points
 * {@code veil.identity.issuer} at Keycloak instead — no code change.
 */
@Configuration
@ConditionalOnProperty(name = "veil.identity.embedded", havingValue = "true")
public class EmbeddedAuthorizationServer {

    /** Demo clients: client id, organisation, roles. Secrets are "&lt;client-id&gt;-secret". */
    public record DemoClient(String clientId, String org, List<String> roles) {}

    public static final List<DemoClient> DEMO_CLIENTS = List.of(
            new DemoClient("demo-provider", "demo-provider-org", List.of("provider")),
            new DemoClient("demo-consumer", "demo-consumer-org", List.of("consumer")),
            new DemoClient("demo-consumer-b", "demo-consumer-b-org", List.of("consumer")),
            new DemoClient("demo-auditor", "demo-auditor-org", List.of("auditor")),
            new DemoClient("demo-admin", "demo-zone-operator", List.of("zone-admin")));

    @Bean
    @Order(1)
    SecurityFilterChain authorizationServer(HttpSecurity http) throws Exception {
        OAuth2AuthorizationServerConfigurer as = OAuth2AuthorizationServerConfigurer.authorizationServer();
        http.securityMatcher(as.getEndpointsMatcher())
            .with(as, c -> {})
            .authorizeHttpRequests(a -> a.anyRequest().authenticated())
            .csrf(c -> c.ignoringRequestMatchers(as.getEndpointsMatcher()));
        return http.build();
    }

    @Bean
    RegisteredClientRepository demoClients() {
        PasswordEncoder enc = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        List<RegisteredClient> clients = DEMO_CLIENTS.stream().map(d -> RegisteredClient
                .withId(UUID.nameUUIDFromBytes(d.clientId().getBytes()).toString())
                .clientId(d.clientId())
                .clientSecret(enc.encode(d.clientId() + "-secret"))
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(Duration.ofHours(1)).build())
                .build()).toList();
        return new InMemoryRegisteredClientRepository(clients);
    }

    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> veilClaims(VeilProperties props) {
        return ctx -> DEMO_CLIENTS.stream()
                .filter(d -> d.clientId().equals(ctx.getRegisteredClient().getClientId()))
                .findFirst()
                .ifPresent(d -> {
                    ctx.getClaims().claim("roles", d.roles()).claim("org", d.org())
                       .claim("zone", props.zone().id());
                    if (!props.identity().audiences().isEmpty()) ctx.getClaims().audience(props.identity().audiences());
                });
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(VeilProperties props) {
        return AuthorizationServerSettings.builder().issuer(props.identity().issuer()).build();
    }

    /** Signing key for tokens; regenerated per start (tokens do not survive a restart in local mode). */
    @Bean
    JWKSource<SecurityContext> jwkSource() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        var kp = g.generateKeyPair();
        RSAKey key = new RSAKey.Builder((RSAPublicKey) kp.getPublic()).privateKey((RSAPrivateKey) kp.getPrivate())
                .keyID(UUID.randomUUID().toString()).build();
        return new ImmutableJWKSet<>(new JWKSet(key));
    }
}
