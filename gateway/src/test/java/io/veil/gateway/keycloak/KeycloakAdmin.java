package io.veil.gateway.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Minimal Keycloak admin REST + token client for the identity integration tests (real server). */
final class KeycloakAdmin {
    static final String BASE = System.getenv().getOrDefault("VEIL_KEYCLOAK_URL", "http://127.0.0.1:18080");
    static final String ISSUER = BASE + "/realms/veil";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    record Result(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError(body, e);
            }
        }
    }

    static boolean reachable() {
        try {
            HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(ISSUER + "/.well-known/openid-configuration")).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    Result token(String realm, String clientId, String secret) {
        String form = "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret=" + enc(secret);
        return send(HttpRequest.newBuilder(URI.create(BASE + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    String accessToken(String realm, String clientId, String secret) {
        Result r = token(realm, clientId, secret);
        if (r.status() != 200) throw new AssertionError("token for " + clientId + ": " + r.status() + " " + r.body());
        return r.json().get("access_token").asText();
    }

    private String adminToken() {
        String form = "grant_type=password&client_id=admin-cli&username=admin&password="
                + enc(System.getenv().getOrDefault("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin-local-only"));
        Result r = send(HttpRequest.newBuilder(URI.create(BASE + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build());
        if (r.status() != 200) throw new AssertionError("admin token: " + r.body());
        return r.json().get("access_token").asText();
    }

    Result admin(String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BASE + "/admin" + path))
                .header("Authorization", "Bearer " + adminToken()).header("Content-Type", "application/json");
        return send(b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)).build());
    }

    String clientUuid(String realm, String clientId) {
        return admin("GET", "/realms/" + realm + "/clients?clientId=" + enc(clientId), null).json().get(0).get("id").asText();
    }

    private Result send(HttpRequest req) {
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            return new Result(r.statusCode(), r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
