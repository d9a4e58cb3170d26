package io.veil.gateway.federation;

import io.veil.crypto.SigningKey;
import io.veil.crypto.Suite;
import io.veil.gateway.support.ApiClient.Response;
import io.veil.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The federation user endpoints have role checks like every other endpoint (no token → 401, a
 * role not allowed → 403, an allowed role gets past security); and a zone with no peers refuses
 * every zone request (deny by default).
 */
class FederationRoleMatrixTest extends GatewayTest {
    static final String ANY_ID = "00000000-0000-0000-0000-000000000000";
    static final Set<String> ALL = Set.of("provider", "consumer", "auditor", "zone-admin");
    static final Map<String, String> CLIENT_OF_ROLE = Map.of(
            "provider", "demo-provider", "consumer", "demo-consumer", "auditor", "demo-auditor", "zone-admin", "demo-admin");

    record Endpoint(String method, String path, Set<String> allowed) {}

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/api/v1/federation/datasets", ALL),
            new Endpoint("GET", "/api/v1/federation/datasets/zone-x/" + ANY_ID, ALL),
            new Endpoint("GET", "/api/v1/federation/datasets/zone-x/" + ANY_ID + "/preview", ALL),
            new Endpoint("GET", "/api/v1/federation/peers", Set.of("zone-admin", "auditor")),
            new Endpoint("POST", "/api/v1/federation/sync", Set.of("zone-admin")),
            new Endpoint("GET", "/api/v1/federation/contracts", Set.of("consumer")),
            new Endpoint("POST", "/api/v1/federation/contracts", Set.of("consumer")),
            new Endpoint("GET", "/api/v1/federation/contracts/zone-x/" + ANY_ID, Set.of("consumer")),
            new Endpoint("POST", "/api/v1/federation/contracts/zone-x/" + ANY_ID + "/revoke", Set.of("consumer")),
            new Endpoint("GET", "/api/v1/federation/offers?zone=zone-x", ALL),
            new Endpoint("GET", "/api/v1/federation/psi-jobs", Set.of("consumer")),
            new Endpoint("GET", "/api/v1/federation/psi-runs", Set.of("provider", "auditor", "zone-admin")),
            new Endpoint("POST", "/api/v1/federation/psi-jobs", Set.of("consumer")),
            new Endpoint("GET", "/api/v1/federation/psi-jobs/" + ANY_ID, Set.of("consumer")),
            new Endpoint("POST", "/api/v1/federation/sql-jobs", Set.of("consumer")),
            new Endpoint("GET", "/api/v1/federation/sql-jobs", Set.of("consumer")),
            new Endpoint("GET", "/api/v1/federation/sql-jobs/" + ANY_ID, Set.of("consumer")),
            new Endpoint("GET", "/api/v1/federation/sql-jobs/" + ANY_ID + "/result", Set.of("consumer")));

    static Stream<Arguments> cases() {
        return ENDPOINTS.stream().flatMap(e -> ALL.stream().map(role -> Arguments.of(e.method(), e.path(), role, e.allowed().contains(role))));
    }

    @ParameterizedTest(name = "{0} {1} as {2}: allowed={3}")
    @MethodSource("cases")
    void roleCheck(String method, String path, String role, boolean allowed) {
        Response r = api.request(method, path, CLIENT_OF_ROLE.get(role), "application/json", method.equals("POST") ? new byte[0] : null);
        if (allowed) {
            assertThat(r.status()).as(r.text()).isNotIn(401, 403);
        } else {
            assertThat(r.status()).as(r.text()).isEqualTo(403);
            assertThat(r.code()).isEqualTo("FORBIDDEN");
        }
    }

    @Test
    void noTokenIsUnauthenticated() {
        for (Endpoint e : ENDPOINTS) {
            Response r = api.request(e.method(), e.path(), null, "application/json", e.method().equals("POST") ? new byte[0] : null);
            assertThat(r.status()).as(e.path()).isEqualTo(401);
        }
    }

    @Test
    void crossZoneSqlPartCallsNeedAZoneSignatureNotAUserToken() {
        for (String path : List.of("/federation/v1/sql-parts", "/federation/v1/sql-parts/" + ANY_ID + "/status")) {
            Response r = api.request("POST", path, "demo-consumer", "application/json", "{}".getBytes());
            assertThat(r.status()).as(path + " " + r.text()).isEqualTo(401);
        }
    }

    @Test
    void aZoneWithoutPeersRefusesEveryZoneRequest() {
        SigningKey someone = SigningKey.generate(Suite.INTL);
        SignedCalls.Reply r = new SignedCalls(port).get("/federation/v1/catalog",
                SignedCalls.headers(someone, "zone-public", props.zone().id(), "/federation/v1/catalog"));
        assertThat(r.response().status()).isEqualTo(401);
        assertThat(r.response().code()).isEqualTo("ZONE_UNKNOWN");
    }
}
