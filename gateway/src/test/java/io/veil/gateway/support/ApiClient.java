package io.veil.gateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** A small real-HTTP client for API tests: tokens from the embedded authorization server, JSON and multipart. */
public final class ApiClient {
    public static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final java.util.function.Function<String, String> tokenSource;

    /** Tokens from the gateway's embedded authorization server. */
    public ApiClient(int port) {
        this.base = "http://localhost:" + port;
        this.tokenSource = this::embeddedToken;
    }

    /** Tokens from elsewhere (e.g. a real Keycloak): client id → access token. */
    public ApiClient(int port, java.util.function.Function<String, String> tokenSource) {
        this.base = "http://localhost:" + port;
        this.tokenSource = tokenSource;
    }

    public String base() { return base; }

    public record Response(int status, String contentType, byte[] body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + text(), e);
            }
        }

        public String text() { return new String(body, StandardCharsets.UTF_8); }

        public String code() { return json().path("code").asText(null); }
    }

    public String token(String clientId) {
        return tokens.computeIfAbsent(clientId, tokenSource);
    }

    private String embeddedToken(String id) {
        String basic = Base64.getEncoder().encodeToString((id + ":" + id + "-secret").getBytes(StandardCharsets.UTF_8));
        Response r = send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
        if (r.status() != 200) throw new AssertionError("token for " + id + " failed: " + r.status() + " " + r.text());
        return r.json().get("access_token").asText();
    }

    public Response get(String path, String client) {
        return send(auth(HttpRequest.newBuilder(URI.create(base + path)), client).GET().build());
    }

    public Response postJson(String path, String client, Object body) {
        try {
            String s = body instanceof String str ? str : JSON.writeValueAsString(body);
            return send(auth(HttpRequest.newBuilder(URI.create(base + path)), client)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(s)).build());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public Response request(String method, String path, String client, String contentType, byte[] body) {
        HttpRequest.Builder b = auth(HttpRequest.newBuilder(URI.create(base + path)), client);
        if (contentType != null) b.header("Content-Type", contentType);
        return send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** Multipart with ordered parts: name → (filename or null, content). */
    public Response multipart(String path, String client, LinkedHashMap<String, Part> parts) {
        String boundary = "veil" + UUID.randomUUID().toString().replace("-", "");
        return request("POST", path, client, "multipart/form-data; boundary=" + boundary, multipartBody(boundary, parts));
    }

    public record Part(String fileName, String contentType, byte[] content) {
        public static Part json(String s) { return new Part(null, "application/json", s.getBytes(StandardCharsets.UTF_8)); }
        public static Part csv(String name, String s) { return new Part(name, "text/csv", s.getBytes(StandardCharsets.UTF_8)); }
        public static Part file(String name, String type, byte[] b) { return new Part(name, type, b); }
    }

    public static byte[] multipartBody(String boundary, LinkedHashMap<String, Part> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, Part> e : parts.entrySet()) {
            Part p = e.getValue();
            StringBuilder h = new StringBuilder("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"").append(e.getKey()).append('"');
            if (p.fileName() != null) h.append("; filename=\"").append(p.fileName()).append('"');
            h.append("\r\nContent-Type: ").append(p.contentType()).append("\r\n\r\n");
            out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(p.content());
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private HttpRequest.Builder auth(HttpRequest.Builder b, String client) {
        return client == null ? b : b.header("Authorization", "Bearer " + token(client));
    }

    private Response send(HttpRequest req) {
        try {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
