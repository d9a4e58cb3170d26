package io.veil.gateway.federation;

import io.veil.crypto.SigningKey;
import io.veil.crypto.Suite;
import io.veil.gateway.config.VeilProperties;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The signature rules without HTTP: what is covered by the signature, the window, the restart guard, GM keys. */
class ZoneRequestVerifierTest {
    static final long T0 = 1_800_000_000L;
    final SigningKey peerKey = SigningKey.generate(Suite.INTL);
    final SigningKey gmKey = SigningKey.generate(Suite.GM);
    final MutableClock clock = new MutableClock(T0);
    final ZoneRequestVerifier verifier = verifier();

    ZoneRequestVerifier verifier() {
        FederationProperties fed = new FederationProperties(List.of(
                new FederationProperties.Peer("zone-a", "http://127.0.0.1:1", "PUBLIC", Suite.INTL, b64(peerKey)),
                new FederationProperties.Peer("zone-gm", "http://127.0.0.1:2", "SOCIAL", Suite.GM, b64(gmKey))),
                List.of(), 60, 1000, 1 << 20, 1 << 24, 0, 0, 20, null, null, null);
        VeilProperties veil = new VeilProperties(new VeilProperties.Zone("zone-self", "SOCIAL", Suite.INTL, "x"),
                null, null, null, null, null, null);
        return new ZoneRequestVerifier(new ZoneDirectory(fed, veil), "zone-self", fed, clock);
    }

    static String b64(SigningKey k) {
        return Base64.getEncoder().encodeToString(k.verifyingKey().encoded());
    }

    ZoneRequestVerifier.Verdict call(SigningKey key, String zone, String method, String path, String query, byte[] body,
                                     long ts, String sentMethod, String sentPath, String sentQuery, byte[] sentBody) {
        String nonce = ZoneRequests.newNonce();
        byte[] sig = key.sign(ZoneRequests.requestToSign(method, path, query, body, key.suite(), ts, nonce, zone, "zone-self"));
        return verifier.verify(sentMethod, sentPath, sentQuery, sentBody, zone, Long.toString(ts), nonce, ZoneRequests.encodeSignature(sig));
    }

    String code(ZoneRequestVerifier.Verdict v) {
        return v.refusal() == null ? "OK" : v.refusal().code();
    }

    @Test
    void acceptsAnExactlySignedRequestWithBody() {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        assertThat(code(call(peerKey, "zone-a", "POST", "/federation/v1/x", "q=1", body, T0, "POST", "/federation/v1/x", "q=1", body)))
                .isEqualTo("OK");
    }

    @Test
    void methodPathQueryAndBodyAreAllCovered() {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] other = "{\"a\":2}".getBytes(StandardCharsets.UTF_8);
        assertThat(code(call(peerKey, "zone-a", "POST", "/federation/v1/x", "q=1", body, T0, "PUT", "/federation/v1/x", "q=1", body)))
                .isEqualTo("ZONE_SIGNATURE_INVALID");
        assertThat(code(call(peerKey, "zone-a", "POST", "/federation/v1/x", "q=1", body, T0, "POST", "/federation/v1/y", "q=1", body)))
                .isEqualTo("ZONE_SIGNATURE_INVALID");
        assertThat(code(call(peerKey, "zone-a", "POST", "/federation/v1/x", "q=1", body, T0, "POST", "/federation/v1/x", "q=2", body)))
                .isEqualTo("ZONE_SIGNATURE_INVALID");
        assertThat(code(call(peerKey, "zone-a", "POST", "/federation/v1/x", "q=1", body, T0, "POST", "/federation/v1/x", "q=1", other)))
                .isEqualTo("ZONE_SIGNATURE_INVALID");
    }

    @Test
    void windowIsPlusMinusSixtySecondsInclusive() {
        clock.now = T0 + 100;
        assertThat(code(call(peerKey, "zone-a", "GET", "/p", null, new byte[0], T0 + 40, "GET", "/p", null, new byte[0]))).isEqualTo("OK");
        assertThat(code(call(peerKey, "zone-a", "GET", "/p", null, new byte[0], T0 + 160, "GET", "/p", null, new byte[0]))).isEqualTo("OK");
        assertThat(code(call(peerKey, "zone-a", "GET", "/p", null, new byte[0], T0 + 161, "GET", "/p", null, new byte[0])))
                .isEqualTo("REQUEST_EXPIRED");
        assertThat(code(call(peerKey, "zone-a", "GET", "/p", null, new byte[0], T0 + 39, "GET", "/p", null, new byte[0])))
                .isEqualTo("REQUEST_EXPIRED");
    }

    @Test
    void requestsSignedBeforeThisProcessStartedAreRefused() {
        // the replay cache does not survive a restart, so nothing signed before start is accepted
        assertThat(code(call(peerKey, "zone-a", "GET", "/p", null, new byte[0], T0 - 1, "GET", "/p", null, new byte[0])))
                .isEqualTo("REQUEST_EXPIRED");
    }

    @Test
    void gmZonesSignWithSm2() {
        assertThat(code(call(gmKey, "zone-gm", "GET", "/p", null, new byte[0], T0, "GET", "/p", null, new byte[0]))).isEqualTo("OK");
        assertThat(code(call(peerKey, "zone-gm", "GET", "/p", null, new byte[0], T0, "GET", "/p", null, new byte[0])))
                .isEqualTo("ZONE_SIGNATURE_INVALID");
    }

    @Test
    void malformedHeadersAreRefusedWithoutVerifying() {
        assertThat(code(verifier.verify("GET", "/p", null, new byte[0], "zone-a", "soon", ZoneRequests.newNonce(), "AAAA")))
                .isEqualTo("REQUEST_EXPIRED");
        assertThat(code(verifier.verify("GET", "/p", null, new byte[0], "zone-a", Long.toString(T0), "short", "AAAA")))
                .isEqualTo("ZONE_SIGNATURE_INVALID");
        assertThat(code(verifier.verify("GET", "/p", null, new byte[0], "Zone A\n", Long.toString(T0), ZoneRequests.newNonce(), "AAAA")))
                .isEqualTo("ZONE_UNKNOWN");
        assertThat(code(verifier.verify("GET", "/p", null, new byte[0], null, Long.toString(T0), ZoneRequests.newNonce(), "AAAA")))
                .isEqualTo("ZONE_SIGNATURE_MISSING");
    }

    static final class MutableClock extends Clock {
        long now;

        MutableClock(long now) {
            this.now = now;
        }

        @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return Instant.ofEpochSecond(now); }
    }
}
