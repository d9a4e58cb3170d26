package io.veil.gateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

import java.io.IOException;
import java.net.URI;

/** Builds problem+json bodies with Veil's stable {@code code} extension. */
public final class Problems {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Problems() {}

    public static ProblemDetail of(HttpStatus status, String code, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create("https://veil.dev/problems/" + code.toLowerCase().replace('_', '-')));
        p.setTitle(status.getReasonPhrase());
        p.setProperty("code", code);
        return p;
    }

    /** Writes a problem directly (filters and security entry points, outside MVC). */
    public static void write(HttpServletResponse response, HttpStatus status, String code, String detail)
            throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        // Written by hand: a plain ObjectMapper would nest ProblemDetail's properties instead of
        // flattening them as Spring's message converter does.
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
        ProblemDetail p = of(status, code, detail);
        body.put("type", p.getType().toString());
        body.put("title", p.getTitle());
        body.put("status", p.getStatus());
        body.put("detail", p.getDetail());
        body.put("code", code);
        MAPPER.writeValue(response.getOutputStream(), body);
    }
}
