package io.veil.gateway.contracts;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.gateway.offers.PolicyRefusal;
import io.veil.policy.Violation;
import org.springframework.http.HttpStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The strict body of a contract request: exactly {@code offerId} and {@code purpose}, both strings. Like
 * offers it fails closed: unknown fields, duplicates, nulls and wrong types are refused, never ignored.
 */
record ContractRequestBody(String offerId, String purpose) {
    private static final ObjectMapper STRICT = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Set<String> FIELDS = Set.of("offerId", "purpose");
    /** Same name rules as offer purposes: 1–64 characters, no control characters, no surrounding blanks. */
    private static final Pattern NAME = Pattern.compile("[^\\p{Cntrl}\\s](?:[^\\p{Cntrl}]{0,62}[^\\p{Cntrl}\\s])?");
    private static final int MAX_CHARS = 4096;

    static ContractRequestBody parse(String body) {
        JsonNode root;
        try {
            if (body == null || body.isBlank() || body.length() > MAX_CHARS) throw new IllegalArgumentException();
            root = STRICT.readTree(body);
        } catch (Exception e) {
            throw refuse(List.of(new Violation("MALFORMED_JSON", "$", "body must be one JSON object of at most " + MAX_CHARS + " characters")));
        }
        if (root == null || !root.isObject()) {
            throw refuse(List.of(new Violation("WRONG_TYPE", "$", "body must be a JSON object")));
        }
        List<Violation> out = new ArrayList<>();
        root.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) out.add(new Violation("UNKNOWN_FIELD", "$", "unknown field (allowed: offerId, purpose)"));
        });
        String offerId = text(root, "offerId", out);
        String purpose = text(root, "purpose", out);
        if (!out.isEmpty()) throw refuse(out);
        return new ContractRequestBody(offerId, purpose);
    }

    private static String text(JsonNode root, String field, List<Violation> out) {
        JsonNode n = root.get(field);
        if (n == null) {
            out.add(new Violation("MISSING_FIELD", field, field + " is required"));
        } else if (!n.isTextual()) {
            out.add(new Violation("WRONG_TYPE", field, field + " must be a string"));
        } else if (!NAME.matcher(n.textValue()).matches()) {
            out.add(new Violation("INVALID_NAME", field, field + " must be 1-64 characters without control characters or surrounding blanks"));
        } else {
            return n.textValue();
        }
        return null;
    }

    private static PolicyRefusal refuse(List<Violation> v) {
        return PolicyRefusal.violations(HttpStatus.BAD_REQUEST, v);
    }
}
