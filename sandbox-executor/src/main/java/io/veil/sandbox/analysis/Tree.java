package io.veil.sandbox.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;

/** Strict accessors over DuckDB's JSON tree: an unknown field or a wrong shape rejects the query. */
final class Tree {
    private Tree() {
    }

    /** Rejects a node carrying any field outside {@code allowed}: a field we do not know may change meaning. */
    static void onlyKeys(JsonNode n, Set<String> allowed, String what) {
        if (n == null || !n.isObject()) {
            throw Reject.unsupported(what);
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw Reject.unsupported(what + " with field " + f);
            }
        }
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw Reject.unsupported("missing " + field);
        }
        return v.asText();
    }

    static String textOr(JsonNode n, String field, String dflt) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? dflt : text(n, field);
    }

    static boolean isNull(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull();
    }

    static boolean flag(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isBoolean() && v.booleanValue();
    }

    static JsonNode array(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray()) {
            throw Reject.unsupported("missing list " + field);
        }
        return v;
    }

    static boolean emptyArray(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || (v.isArray() && v.isEmpty());
    }

    /** An empty-or-absent alias; aliases are only meaningful on select items and tables. */
    static boolean noAlias(JsonNode n) {
        return textOr(n, "alias", "").isEmpty();
    }
}
