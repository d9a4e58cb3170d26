package io.veil.gateway.keycloak;

import io.veil.gateway.support.ApiClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway against a REAL Keycloak (deploy/keycloak/start.sh; .ci/run starts it): tokens of
 * each demo service account reach exactly their role's endpoints, and every refusal case is
 * refused. Tagged "keycloak": excluded from the default run, run by CI with -Dgroups=keycloak.
 */
@Tag("keycloak")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "veil.identity.embedded=false",
        "veil.identity.roles-claim=realm_access.roles",
        "veil.identity.org-claim=org",
        "veil.identity.audiences=veil-gateway",
        "veil.identity.clock-skew-seconds=0",
        "veil.demo.enabled=false",
        "spring.profiles.active=keycloak"})
class KeycloakIdentityTest {
    static final KeycloakAdmin kc = new KeycloakAdmin();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        r.add("veil.identity.issuer", () -> KeycloakAdmin.ISSUER);
        r.add("veil.data-dir", () -> {
            try {
                return Files.createTempDirectory("veil-kc-").toString();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @BeforeAll
    static void keycloakIsUp() {
        assertThat(KeycloakAdmin.reachable()).as("Keycloak must be running: bash deploy/keycloak/start.sh").isTrue();
    }

    @LocalServerPort
    int port;

    int status(String method, String path, String token) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .method(method, HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json");
            if (token != null) b.header("Authorization", "Bearer " + token);
            return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static final Map<String, String> CLIENT_ROLE = Map.of("demo-provider", "provider", "demo-consumer", "consumer",
            "demo-auditor", "auditor", "demo-admin", "zone-admin");

    @Test
    void eachServiceAccountReachesExactlyItsRolesEndpoints() {
        for (var e : CLIENT_ROLE.entrySet()) {
            String token = kc.accessToken("veil", e.getKey(), e.getKey() + "-secret");
            boolean provider = e.getValue().equals("provider");
            boolean admin = e.getValue().equals("zone-admin");
            assertThat(status("GET", "/api/v1/datasets", token)).as(e.getKey()).isEqualTo(200);
            int register = status("POST", "/api/v1/datasets", token);
            assertThat(register).as(e.getKey() + " register").isEqualTo(provider ? 415 : 403);
            int rotate = status("POST", "/api/v1/admin/keys/rotate", token);
            assertThat(rotate).as(e.getKey() + " rotate").isEqualTo(admin ? 200 : 403);
        }
    }

    @Test
    void noTokenIsRefused() {
        assertThat(status("GET", "/api/v1/datasets", null)).isEqualTo(401);
    }

    @Test
    void expiredTokenIsRefused() throws Exception {
        String uuid = kc.clientUuid("veil", "demo-auditor");
        var client = kc.admin("GET", "/realms/veil/clients/" + uuid, null).json();
        ((com.fasterxml.jackson.databind.node.ObjectNode) client.get("attributes")).put("access.token.lifespan", "1");
        assertThat(kc.admin("PUT", "/realms/veil/clients/" + uuid, client.toString()).status()).isEqualTo(204);
        try {
            String token = kc.accessToken("veil", "demo-auditor", "demo-auditor-secret");
            Thread.sleep(2500);
            assertThat(status("GET", "/api/v1/datasets", token)).isEqualTo(401);
        } finally {
            ((com.fasterxml.jackson.databind.node.ObjectNode) client.get("attributes")).put("access.token.lifespan", "300");
            kc.admin("PUT", "/realms/veil/clients/" + uuid, client.toString());
        }
    }

    @Test
    void tokenFromAnotherRealmIsRefused() {
        String realm = "other" + UUID.randomUUID().toString().substring(0, 6);
        String rep = """
                {"realm":"%s","enabled":true,
                 "roles":{"realm":[{"name":"auditor"}]},
                 "clients":[{"clientId":"intruder","secret":"intruder-secret","publicClient":false,"serviceAccountsEnabled":true,
                   "standardFlowEnabled":false,
                   "protocolMappers":[{"name":"org","protocol":"openid-connect","protocolMapper":"oidc-hardcoded-claim-mapper",
                     "config":{"claim.name":"org","claim.value":"demo-auditor-org","jsonType.label":"String","access.token.claim":"true"}},
                    {"name":"aud","protocol":"openid-connect","protocolMapper":"oidc-audience-mapper",
                     "config":{"included.custom.audience":"veil-gateway","access.token.claim":"true"}}]}],
                 "users":[{"username":"service-account-intruder","enabled":true,"serviceAccountClientId":"intruder","realmRoles":["auditor"]}]}
                """.formatted(realm);
        assertThat(kc.admin("POST", "/realms", rep).status()).isEqualTo(201);
        try {
            String token = kc.accessToken(realm, "intruder", "intruder-secret");
            assertThat(status("GET", "/api/v1/datasets", token)).isEqualTo(401);
        } finally {
            kc.admin("DELETE", "/realms/" + realm, null);
        }
    }

    @Test
    void tokenWithWrongAudienceIsRefused() {
        String rep = """
                {"clientId":"no-audience","secret":"no-audience-secret","publicClient":false,"serviceAccountsEnabled":true,
                 "standardFlowEnabled":false,"defaultClientScopes":["roles"],
                 "protocolMappers":[{"name":"org","protocol":"openid-connect","protocolMapper":"oidc-hardcoded-claim-mapper",
                   "config":{"claim.name":"org","claim.value":"demo-auditor-org","jsonType.label":"String","access.token.claim":"true"}}]}
                """;
        assertThat(kc.admin("POST", "/realms/veil/clients", rep).status()).isIn(201, 409);
        String uuid = kc.clientUuid("veil", "no-audience");
        try {
            String sa = kc.admin("GET", "/realms/veil/clients/" + uuid + "/service-account-user", null).json().get("id").asText();
            var role = kc.admin("GET", "/realms/veil/roles/auditor", null).body();
            kc.admin("POST", "/realms/veil/users/" + sa + "/role-mappings/realm", "[" + role + "]");
            String token = kc.accessToken("veil", "no-audience", "no-audience-secret");
            assertThat(status("GET", "/api/v1/datasets", token)).isEqualTo(401);
        } finally {
            kc.admin("DELETE", "/realms/veil/clients/" + uuid, null);
        }
    }

    @Test
    void disabledClientGetsNoTokenAndRoleRemovalTakesEffectOnRefresh() {
        String uuid = kc.clientUuid("veil", "demo-consumer-b");
        var client = kc.admin("GET", "/realms/veil/clients/" + uuid, null).json();
        String sa = kc.admin("GET", "/realms/veil/clients/" + uuid + "/service-account-user", null).json().get("id").asText();
        String role = kc.admin("GET", "/realms/veil/roles/consumer", null).body();
        try {
            String before = kc.accessToken("veil", "demo-consumer-b", "demo-consumer-b-secret");
            assertThat(status("GET", "/api/v1/datasets", before)).isEqualTo(200);

            kc.admin("DELETE", "/realms/veil/users/" + sa + "/role-mappings/realm", "[" + role + "]");
            String after = kc.accessToken("veil", "demo-consumer-b", "demo-consumer-b-secret");
            assertThat(status("GET", "/api/v1/datasets", after)).isEqualTo(403);

            ((com.fasterxml.jackson.databind.node.ObjectNode) client).put("enabled", false);
            kc.admin("PUT", "/realms/veil/clients/" + uuid, client.toString());
            assertThat(kc.token("veil", "demo-consumer-b", "demo-consumer-b-secret").status()).isIn(400, 401);
        } finally {
            ((com.fasterxml.jackson.databind.node.ObjectNode) client).put("enabled", true);
            kc.admin("PUT", "/realms/veil/clients/" + uuid, client.toString());
            kc.admin("POST", "/realms/veil/users/" + sa + "/role-mappings/realm", "[" + role + "]");
        }
    }

    @Test
    void keycloakTokensDriveRegistration() {
        String token = kc.accessToken("veil", "demo-provider", "demo-provider-secret");
        String boundary = "kc" + UUID.randomUUID().toString().replace("-", "");
        var parts = new java.util.LinkedHashMap<String, ApiClient.Part>();
        parts.put("metadata", ApiClient.Part.json("{\"name\":\"kc_" + UUID.randomUUID().toString().substring(0, 8).replace("-", "")
                + "\",\"columns\":{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\"}}"));
        parts.put("file", ApiClient.Part.csv("k.csv", "person_id,district\nP1,a\nP2,b\n"));
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/datasets"))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(ApiClient.multipartBody(boundary, parts))).build();
            HttpResponse<String> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Issue 7's "done when": Keycloak tokens drive register → offer → contract → sandboxed job → result. */
    @Test
    void keycloakTokensDriveTheFullFlowFromRegistrationToResult() {
        var api = new ApiClient(port, client -> kc.accessToken("veil", client, client + "-secret"));
        var flows = new io.veil.gateway.support.Flows(api);
        String name = io.veil.gateway.support.Flows.uniqueName("kc");
        String dataset = flows.registerResidents(name);
        String contract = flows.agree(flows.publish(flows.offer(dataset)));
        var job = flows.run(contract, "SELECT district, COUNT(*) AS n FROM " + name + " GROUP BY district");
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("RELEASED");
        var result = api.get("/api/v1/jobs/" + job.get("id").asText() + "/result", "demo-consumer");
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.json().get("rows").size()).isEqualTo(4);
        assertThat(api.get("/api/v1/jobs/" + job.get("id").asText() + "/result", "demo-consumer-b").status()).isEqualTo(404);
    }
}
