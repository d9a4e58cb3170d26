package io.veil.gateway.federation;

import io.veil.gateway.api.Problems;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.connector.Connector;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;

/**
 * With {@code veil.federation.port} set, the zone-to-zone API gets its own Tomcat connector —
 * TLS 1.3 with a required client certificate from the data-space CA (checked against the CRL)
 * when {@code veil.federation.tls} is set — and the two ports are kept apart: the federation
 * port serves only /federation/**, and ZoneAuthFilter refuses /federation/** on any other port.
 */
@Configuration
class FederationConnector {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> federationTomcatConnector(FederationTransport transport) {
        return factory -> {
            if (transport.port() == null) return;
            Connector c = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
            c.setPort(transport.port());
            if (transport.address() != null) c.setProperty("address", transport.address());
            if (transport.mutualTls()) {
                c.setScheme("https");
                c.setSecure(true);
                c.setProperty("SSLEnabled", "true");
                SSLHostConfig host = new SSLHostConfig();
                host.setProtocols("TLSv1.3");
                host.setCertificateVerification("required");
                host.setTrustStore(transport.trustStore());
                host.setCertificateRevocationListFile(transport.crlFile().toAbsolutePath().toString());
                SSLHostConfigCertificate cert = new SSLHostConfigCertificate(host, SSLHostConfigCertificate.Type.UNDEFINED);
                cert.setCertificateKeystore(transport.serverKeyStore());
                cert.setCertificateKeystorePassword(transport.serverKeyPassword());
                cert.setCertificateKeyAlias("zone");
                host.addCertificate(cert);
                c.addSslHostConfig(host);
            }
            factory.addAdditionalTomcatConnectors(c);
        };
    }

    /** On the federation port nothing but /federation/** is served (no user API, no token endpoint, no actuator). */
    @Bean
    FilterRegistrationBean<Filter> federationPortGuard(FederationTransport transport) {
        Integer port = transport.port();
        Filter guard = (req, res, chain) -> {
            if (port != null && req.getLocalPort() == port && req instanceof HttpServletRequest http
                    && !http.getRequestURI().startsWith("/federation/")) {
                Problems.write((HttpServletResponse) res, HttpStatus.NOT_FOUND, "NOT_FOUND", "no such resource");
                return;
            }
            chain.doFilter(req, res);
        };
        FilterRegistrationBean<Filter> reg = new FilterRegistrationBean<>(guard);
        reg.setOrder(Ordered.HIGHEST_PRECEDENCE);
        reg.setName("federationPortGuard");
        return reg;
    }
}
