package io.veil.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Typed, path-aware reads of a JSON tree that collect every {@link Violation} instead of stopping at the
 * first, so a provider fixes an offer in one round trip. Every read returns null when the value is unusable.
 * Messages name fields and expectations but never repeat the submitted value.
 */
final class DocReader {
    static final int ID_MAX = 64;
    static final int COLUMN_MAX = 128;

    final List<Violation> violations = new ArrayList<>();

    void add(String code, String path, String message) {
        violations.add(new Violation(code, path, message));
    }

    static String child(String parent, String name) {
        return "$".equals(parent) ? name : parent + "." + name;
    }

    /** An object whose field names must all be in {@code known}; unknown ones are reported, never ignored. */
    ObjectNode object(JsonNode n, String path, Set<String> known) {
        if (n == null) {
            return null;
        }
        if (!n.isObject()) {
            add("OFFER_WRONG_TYPE", path, "must be an object");
            return null;
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                add("OFFER_UNKNOWN_FIELD", child(path, name), "unknown field; allowed here: " + String.join(", ", known));
            }
        }
        return (ObjectNode) n;
    }

    /** The field's node, or null if absent (reported when required) or JSON null (always reported). */
    JsonNode field(ObjectNode o, String parent, String name, boolean required) {
        if (o == null) {
            return null;
        }
        JsonNode n = o.get(name);
        if (n == null) {
            if (required) {
                add("OFFER_MISSING_FIELD", child(parent, name), "required field is missing");
            }
            return null;
        }
        if (n.isNull()) {
            // An explicit null never means "default": defaults could be looser than the author intended.
            add("OFFER_WRONG_TYPE", child(parent, name), "must not be null");
            return null;
        }
        return n;
    }

    String string(JsonNode n, String path) {
        if (n == null) {
            return null;
        }
        if (!n.isTextual()) {
            add("OFFER_WRONG_TYPE", path, "must be a string");
            return null;
        }
        return n.textValue();
    }

    /** A name (id, org, purpose, column): non-empty, bounded, no surrounding blanks or control characters. */
    String name(JsonNode n, String path, int max) {
        String s = string(n, path);
        if (s == null) {
            return null;
        }
        if (!validName(s, max)) {
            add("OFFER_INVALID_NAME", path, "must be 1.." + max + " characters without control characters, "
                    + "surrounding whitespace or '*'");
            return null;
        }
        return s;
    }

    static boolean validName(String s, int max) {
        if (s.isEmpty() || s.length() > max || !s.strip().equals(s) || s.equals("*")) {
            return false;
        }
        return s.chars().noneMatch(Character::isISOControl);
    }

    /** A list of distinct items read by {@code item}; null entries in the result are never returned. */
    <T> List<T> list(JsonNode n, String path, boolean nonEmpty, ItemReader<T> item) {
        if (n == null) {
            return null;
        }
        if (!n.isArray()) {
            add("OFFER_WRONG_TYPE", path, "must be an array");
            return null;
        }
        if (nonEmpty && n.isEmpty()) {
            add("OFFER_EMPTY_LIST", path, "must contain at least one entry");
            return null;
        }
        int before = violations.size();
        Set<T> seen = new LinkedHashSet<>();
        for (int i = 0; i < n.size(); i++) {
            String p = path + "[" + i + "]";
            T v = item.read(n.get(i), p);
            if (v != null && !seen.add(v)) {
                add("OFFER_DUPLICATE_VALUE", p, "duplicate entry");
            }
        }
        return violations.size() == before ? new ArrayList<>(seen) : null;
    }

    <E extends Enum<E>> List<E> enums(JsonNode n, String path, boolean nonEmpty,
                                      Function<String, Optional<E>> parse, String unknownCode, List<E> allowed) {
        return list(n, path, nonEmpty, (item, p) -> enumValue(item, p, parse, unknownCode, allowed));
    }

    <E extends Enum<E>> E enumValue(JsonNode n, String path, Function<String, Optional<E>> parse,
                                    String unknownCode, List<E> allowed) {
        String s = string(n, path);
        if (s == null) {
            return null;
        }
        Optional<E> e = parse.apply(s);
        if (e.isEmpty()) {
            add(unknownCode, path, "unknown value; allowed: " + allowed);
            return null;
        }
        return e.get();
    }

    Long integer(JsonNode n, String path, long min, long max) {
        if (n == null) {
            return null;
        }
        if (!n.isIntegralNumber()) {
            add("OFFER_WRONG_TYPE", path, "must be an integer");
            return null;
        }
        BigInteger v = n.bigIntegerValue();
        if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
            add("OFFER_NUMBER_OUT_OF_RANGE", path, "must be between " + min + " and " + max);
            return null;
        }
        return v.longValue();
    }

    BigDecimal number(JsonNode n, String path) {
        if (n == null) {
            return null;
        }
        if (!n.isNumber()) {
            add("OFFER_WRONG_TYPE", path, "must be a number");
            return null;
        }
        if (n.isFloatingPointNumber() && !n.isBigDecimal()) {
            // A tree from a default mapper holds doubles; read their shortest decimal form ("0.1", not 0.1000…055).
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                add("OFFER_NUMBER_OUT_OF_RANGE", path, "must be finite");
                return null;
            }
            return new BigDecimal(Double.toString(d));
        }
        return n.decimalValue();
    }

    Boolean bool(JsonNode n, String path) {
        if (n == null) {
            return null;
        }
        if (!n.isBoolean()) {
            add("OFFER_WRONG_TYPE", path, "must be true or false");
            return null;
        }
        return n.booleanValue();
    }

    /** ISO-8601 with an explicit offset; a local time would mean different instants in different zones. */
    Instant instant(JsonNode n, String path) {
        String s = string(n, path);
        if (s == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            add("OFFER_INVALID_TIME", path, "must be an ISO-8601 date-time with offset, e.g. 2026-01-01T00:00:00Z");
            return null;
        }
    }

    /** Keys of a free-form map (column → value); each key is validated as a column name unless it is {@code allowKey}. */
    <T> Map<String, T> map(JsonNode n, String path, String allowKey, ItemReader<T> value) {
        if (n == null) {
            return null;
        }
        if (!n.isObject()) {
            add("OFFER_WRONG_TYPE", path, "must be an object");
            return null;
        }
        int before = violations.size();
        Map<String, T> out = new java.util.TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = child(path, e.getKey());
            if (!e.getKey().equals(allowKey) && !validName(e.getKey(), COLUMN_MAX)) {
                add("OFFER_INVALID_NAME", p, "column names must be 1.." + COLUMN_MAX
                        + " characters without control characters or surrounding whitespace");
                continue;
            }
            T v = value.read(e.getValue(), p);
            if (v != null) {
                out.put(e.getKey(), v);
            }
        }
        return violations.size() == before ? out : null;
    }

    @FunctionalInterface
    interface ItemReader<T> {
        T read(JsonNode n, String path);
    }
}
