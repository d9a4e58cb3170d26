package io.veil.gateway.security;

import io.veil.gateway.support.ApiClient.Response;
import io.veil.gateway.support.GatewayTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint has a role check: no token → 401, each role not allowed → 403, an allowed role
 * gets past security (whatever the business answer). Add each new endpoint to {@link #ENDPOINTS}.
 */
class RoleMatrixTest extends GatewayTest {
    static final String ANY_ID = "00000000-0000-0000-0000-000000000000";
    static final Set<String> ALL = Set.of("provider", "consumer", "auditor", "zone-admin");
    static final Map<String, String> CLIENT_OF_ROLE = Map.of(
            "provider", "demo-provider", "consumer", "demo-consumer", "auditor", "demo-auditor", "zone-admin", "demo-admin");

    record Endpoint(String method, String path, Set<String> allowed) {}

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("POST", "/api/v1/datasets", Set.of("provider")),
            new Endpoint("GET", "/api/v1/datasets", ALL),
            new Endpoint("GET", "/api/v1/datasets/" + ANY_ID, ALL),
            new Endpoint("GET", "/api/v1/datasets/" + ANY_ID + "/preview", ALL),
            new Endpoint("POST", "/api/v1/datasets/" + ANY_ID + "/versions", Set.of("provider")),
            new Endpoint("POST", "/api/v1/admin/keys/rotate", Set.of("zone-admin")),
            new Endpoint("GET", "/actuator/prometheus", Set.of("zone-admin")),
            new Endpoint("POST", "/api/v1/offers", Set.of("provider")),
            new Endpoint("GET", "/api/v1/offers", ALL),
            new Endpoint("GET", "/api/v1/offers/" + ANY_ID, ALL),
            new Endpoint("POST", "/api/v1/contracts", Set.of("consumer")),
            new Endpoint("GET", "/api/v1/contracts", ALL),
            new Endpoint("GET", "/api/v1/contracts/" + ANY_ID, ALL),
            new Endpoint("POST", "/api/v1/contracts/" + ANY_ID + "/accept", Set.of("provider")),
            new Endpoint("POST", "/api/v1/contracts/" + ANY_ID + "/reject", Set.of("provider")),
            new Endpoint("POST", "/api/v1/contracts/" + ANY_ID + "/revoke", Set.of("provider", "consumer")),
            new Endpoint("GET", "/api/v1/contracts/" + ANY_ID + "/agreement", ALL),
            new Endpoint("GET", "/api/v1/contracts/" + ANY_ID + "/verify", ALL),
            new Endpoint("GET", "/api/v1/statements/charges", Set.of("consumer")),
            new Endpoint("GET", "/api/v1/statements/revenue", Set.of("provider")),
            new Endpoint("POST", "/api/v1/jobs", Set.of("consumer")),
            new Endpoint("GET", "/api/v1/jobs", Set.of("consumer")),
            new Endpoint("GET", "/api/v1/jobs/" + ANY_ID, ALL),
            new Endpoint("GET", "/api/v1/jobs/" + ANY_ID + "/result", Set.of("consumer")),
            new Endpoint("POST", "/api/v1/jobs/" + ANY_ID + "/cancel", Set.of("consumer")),
            new Endpoint("POST", "/api/v1/jobs/" + ANY_ID + "/approve", Set.of("provider")),
            new Endpoint("POST", "/api/v1/jobs/" + ANY_ID + "/reject", Set.of("provider")),
            new Endpoint("POST", "/api/v1/jobs/" + ANY_ID + "/result/approve", Set.of("provider")),
            new Endpoint("POST", "/api/v1/jobs/" + ANY_ID + "/result/reject", Set.of("provider")),
            new Endpoint("POST", "/api/v1/data-products", Set.of("provider")),
            new Endpoint("GET", "/api/v1/data-products", ALL),
            new Endpoint("GET", "/api/v1/data-products/" + ANY_ID, ALL),
            new Endpoint("GET", "/api/v1/ledger/checkpoint", Set.of("auditor")),
            new Endpoint("GET", "/api/v1/ledger/keys", Set.of("auditor")),
            new Endpoint("GET", "/api/v1/ledger/events", Set.of("auditor")),
            new Endpoint("GET", "/api/v1/ledger/events/0", Set.of("auditor")),
            new Endpoint("GET", "/api/v1/ledger/events/0/proof", Set.of("auditor")),
            new Endpoint("GET", "/api/v1/ledger/consistency?from=0&to=0", Set.of("auditor")),
            new Endpoint("GET", "/api/v1/audit/trail?subject=org:x", Set.of("auditor")),
            new Endpoint("GET", "/api/v1/audit/export?subject=org:x", Set.of("auditor")));

    static Stream<Arguments> endpoints() {
        return ENDPOINTS.stream().map(e -> Arguments.of(e.method() + " " + e.path(), e));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void noTokenGets401(String label, Endpoint e) {
        Response r = api.request(e.method(), e.path(), null, "application/json", e.method().equals("GET") ? null : "{}".getBytes());
        assertThat(r.status()).as(label).isEqualTo(401);
        assertThat(r.code()).isEqualTo("UNAUTHENTICATED");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void wrongRoleGets403AndAllowedRolePasses(String label, Endpoint e) {
        for (String role : ALL) {
            Response r = api.request(e.method(), e.path(), CLIENT_OF_ROLE.get(role), "application/json",
                    e.method().equals("GET") ? null : "{}".getBytes());
            if (e.allowed().contains(role)) {
                assertThat(r.status()).as(label + " as " + role).isNotIn(401, 403);
            } else {
                assertThat(r.status()).as(label + " as " + role).isEqualTo(403);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void forgedTokenGets401(String label, Endpoint e) {
        String token = api.token("demo-admin");
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.base() + e.path()))
                .header("Authorization", "Bearer " + forged)
                .method(e.method(), java.net.http.HttpRequest.BodyPublishers.noBody()).build();
        try {
            int status = java.net.http.HttpClient.newHttpClient().send(req, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
            assertThat(status).as(label).isEqualTo(401);
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }
}
