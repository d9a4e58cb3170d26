package io.veil.sandbox.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Set;

/**
 * Literal limits. Huge numbers feed overflow oracles (a query that errors only when some hidden value
 * is large) and long strings are a cheap way to bloat plans, so both are capped.
 */
final class Literals {
    static final int MAX_STRING = 200;
    static final BigDecimal MAX_MAGNITUDE = new BigDecimal("1e15");
    private static final Set<String> KEYS = Set.of("class", "type", "alias", "query_location", "value");

    private Literals() {
    }

    /** Checks a constant and returns its type. */
    static SqlType check(JsonNode constant) {
        Tree.onlyKeys(constant, KEYS, "constant");
        if (!"VALUE_CONSTANT".equals(Tree.text(constant, "type"))) {
            throw Reject.unsupported("constant kind");
        }
        JsonNode v = constant.get("value");
        Tree.onlyKeys(v, Set.of("type", "is_null", "value"), "constant value");
        JsonNode type = v.get("type");
        Tree.onlyKeys(type, Set.of("id", "type_info"), "constant type");
        String id = Tree.text(type, "id");
        if (Tree.flag(v, "is_null")) {
            return SqlType.NULL;
        }
        JsonNode value = v.get("value");
        switch (id) {
            case "INTEGER", "BIGINT", "SMALLINT", "TINYINT" -> magnitude(value.isIntegralNumber() ? value.decimalValue() : null);
            case "DOUBLE", "FLOAT" -> {
                if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
                    throw tooLarge();
                }
                magnitude(value.decimalValue());
            }
            case "DECIMAL" -> {
                JsonNode info = type.get("type_info");
                if (info == null || !info.has("width") || info.get("width").asInt() > 18 || !value.isIntegralNumber()) {
                    throw tooLarge();
                }
                magnitude(value.decimalValue().movePointLeft(info.get("scale").asInt()));
            }
            case "VARCHAR" -> {
                if (!value.isTextual() || value.asText().length() > MAX_STRING) {
                    throw new Reject(Codes.LITERAL_NOT_ALLOWED, "string literals are limited to " + MAX_STRING + " characters");
                }
            }
            case "BOOLEAN" -> {
                if (!value.isBoolean()) {
                    throw Reject.unsupported("boolean literal");
                }
            }
            default -> throw new Reject(Codes.LITERAL_NOT_ALLOWED, "literals of type " + id + " are not allowed");
        }
        return SqlType.ofTypeId(id);
    }

    private static void magnitude(BigDecimal d) {
        if (d == null || d.abs().compareTo(MAX_MAGNITUDE) > 0) {
            throw tooLarge();
        }
    }

    private static Reject tooLarge() {
        return new Reject(Codes.LITERAL_NOT_ALLOWED, "numeric literals are limited to magnitude 1e15");
    }

    /** A small non-negative integer constant (positions, LIMIT, round digits), or null if the node is not one. */
    static Long smallInteger(JsonNode n) {
        if (n == null || !"CONSTANT".equals(Tree.textOr(n, "class", ""))) {
            return null;
        }
        JsonNode v = n.get("value");
        if (v == null || Tree.flag(v, "is_null") || v.get("type") == null) {
            return null;
        }
        String id = v.get("type").path("id").asText();
        JsonNode value = v.get("value");
        if (!(id.equals("INTEGER") || id.equals("BIGINT")) || value == null || !value.canConvertToLong()) {
            return null;
        }
        long l = value.asLong();
        return l >= 0 && l <= 1_000_000_000L ? l : null;
    }

    /** A VARCHAR constant's text, or null. */
    static String string(JsonNode n) {
        if (n == null || !"CONSTANT".equals(Tree.textOr(n, "class", ""))) {
            return null;
        }
        JsonNode v = n.get("value");
        if (v == null || Tree.flag(v, "is_null") || !"VARCHAR".equals(v.path("type").path("id").asText())) {
            return null;
        }
        return v.get("value").asText();
    }
}
