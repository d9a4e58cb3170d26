package io.veil.gateway.federation;

import io.veil.crypto.SigningKey;
import io.veil.crypto.ca.CertificateCheck;
import io.veil.gateway.api.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.X509Certificate;

/**
 * Authenticates every {@code /federation/**} request by its zone signature (ZoneRequestVerifier)
 * and, when the request came over mutual TLS, checks that the client certificate names the same
 * zone. Signs every response it lets through with this zone's key, bound to the request's nonce.
 * Not a bean on purpose: Boot would otherwise also register it for every URL.
 */
final class ZoneAuthFilter extends OncePerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger(ZoneAuthFilter.class);
    private final ZoneRequestVerifier verifier;
    private final ZoneMembership membership;
    private final SigningKey zoneKey;
    private final String self;
    private final int maxBody;
    private final FederationTransport transport;

    ZoneAuthFilter(ZoneRequestVerifier verifier, ZoneMembership membership, SigningKey zoneKey, String self, int maxBody,
                   FederationTransport transport) {
        this.verifier = verifier;
        this.membership = membership;
        this.zoneKey = zoneKey;
        this.self = self;
        this.maxBody = maxBody;
        this.transport = transport;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (transport.port() != null && request.getLocalPort() != transport.port()) {
            // Zone requests are only served on the federation connector (mutual TLS when configured).
            Problems.write(response, HttpStatus.NOT_FOUND, "FEDERATION_WRONG_PORT", "the zone-to-zone API is served on the federation port only");
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > maxBody) {
            Problems.write(response, HttpStatus.PAYLOAD_TOO_LARGE, "REQUEST_TOO_LARGE", "zone request body larger than " + maxBody + " bytes");
            return;
        }
        byte[] body = readBounded(request.getInputStream(), maxBody);
        if (body == null) {
            Problems.write(response, HttpStatus.PAYLOAD_TOO_LARGE, "REQUEST_TOO_LARGE", "zone request body larger than " + maxBody + " bytes");
            return;
        }
        String zoneHeader = request.getHeader(ZoneRequests.ZONE);
        ZoneRequestVerifier.Verdict v = verifier.verify(request.getMethod(), request.getRequestURI(), request.getQueryString(), body,
                zoneHeader, request.getHeader(ZoneRequests.TIMESTAMP), request.getHeader(ZoneRequests.NONCE),
                request.getHeader(ZoneRequests.SIGNATURE));
        if (v.refusal() != null) {
            // Log the code and the claimed zone id only if it is a well-formed id: never headers or bodies.
            log.info("zone request refused: {} from {}", v.refusal().code(),
                    zoneHeader == null ? "(no zone)" : ZoneRequests.ZONE_ID.matcher(zoneHeader).matches() ? zoneHeader : "(invalid zone id)");
            Problems.write(response, v.refusal().status(), v.refusal().code(), v.refusal().detail());
            return;
        }
        if (transport.mutualTls()) {
            String mismatch = certificateMismatch(request, v.zone());
            if (mismatch != null) {
                log.info("zone request refused: ZONE_IDENTITY_MISMATCH from {}", v.zone().zoneId());
                Problems.write(response, HttpStatus.FORBIDDEN, "ZONE_IDENTITY_MISMATCH", mismatch);
                return;
            }
        }
        membership.seen(v.zone());
        String nonce = request.getHeader(ZoneRequests.NONCE);
        SecurityContext ctx = SecurityContextHolder.createEmptyContext();
        ctx.setAuthentication(new ZoneAuthentication(v.zone(), nonce));
        SecurityContextHolder.setContext(ctx);
        ContentCachingResponseWrapper wrapped = new ContentCachingResponseWrapper(response);
        try {
            chain.doFilter(new BodyRequest(request, body), wrapped);
            byte[] out = wrapped.getContentAsByteArray();
            byte[] sig = zoneKey.sign(ZoneRequests.responseToSign(wrapped.getStatus(), nonce, out, zoneKey.suite(), self,
                    v.zone().zoneId()));
            wrapped.setHeader(ZoneRequests.ZONE, self);
            wrapped.setHeader(ZoneRequests.SIGNATURE, ZoneRequests.encodeSignature(sig));
            wrapped.copyBodyToResponse();
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    /** Null if the TLS client certificate is a valid data-space certificate of the signing zone and its tier; else why not. */
    private String certificateMismatch(HttpServletRequest request, TrustedZone zone) {
        Object attr = request.getAttribute("jakarta.servlet.request.X509Certificate");
        if (!(attr instanceof X509Certificate[] chain) || chain.length == 0) return "no TLS client certificate";
        CertificateCheck c = transport.check(chain);
        if (!c.valid()) return "the TLS client certificate is not a valid zone certificate (" + c.status() + ")";
        if (!c.zoneId().orElse("").equals(zone.zoneId())) return "the TLS client certificate belongs to another zone than the signature";
        if (!c.tier().map(Enum::name).orElse("").equals(zone.tier())) return "the TLS client certificate names another tier than configured";
        return null;
    }

    /** The whole body, or null if it is longer than {@code max}. */
    private static byte[] readBounded(InputStream in, int max) throws IOException {
        byte[] b = in.readNBytes(max + 1);
        return b.length > max ? null : b;
    }

    /** The request with its already-read body available again to the controller. */
    private static final class BodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        BodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override public boolean isFinished() { return in.available() == 0; }
                @Override public boolean isReady() { return true; }
                @Override public void setReadListener(ReadListener l) { throw new UnsupportedOperationException(); }
                @Override public int read() { return in.read(); }
                @Override public int read(byte[] b, int off, int len) { return in.read(b, off, len); }
            };
        }

        @Override
        public int getContentLength() { return body.length; }

        @Override
        public long getContentLengthLong() { return body.length; }
    }
}
