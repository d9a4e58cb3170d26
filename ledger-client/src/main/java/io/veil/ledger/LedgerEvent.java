package io.veil.ledger;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One state change, as the emitting zone records it. Carries ids and digests, never cell values:
 * attribute values are limited to short strings, numbers, booleans and flat lists of those, so a
 * row cannot be smuggled in as a nested document.
 *
 * <p>Subjects name what the event is about: {@code kind → id}. A kind is a base kind ({@link
 * #SUBJECT_KINDS}) or a role-qualified one ending in a capitalised base kind, e.g. {@code
 * providerOrg}; queries by the base kind ({@code org}) find both.
 *
 * <p>Numbers are normalised so the event survives a trip through canonical JSON unchanged:
 * integral values become {@code Long} (|v| ≤ 2^53, beyond which JSON loses precision and the
 * value is rejected), others {@code Double}.
 */
public record LedgerEvent(String eventId, EventType type, String zone, Instant occurredAt,
                          Map<String, String> subjects, Map<String, Object> attributes) {
    public static final Set<String> SUBJECT_KINDS = Set.of("dataset", "contract", "job", "org", "offer", "key", "zone", "product");
    static final int MAX_STRING = 512;
    static final int MAX_ATTRIBUTES = 64;
    static final int MAX_LIST = 256;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@/-]{1,128}");
    private static final Pattern ATTRIBUTE_KEY = Pattern.compile("[a-zA-Z0-9_]{1,64}");
    private static final Pattern SUBJECT_KIND = Pattern.compile("[a-z][a-zA-Z]{0,31}");
    private static final double MAX_EXACT = 9007199254740992.0; // 2^53

    public LedgerEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
        requireId("eventId", eventId);
        requireId("zone", zone);
        subjects = validSubjects(subjects == null ? Map.of() : subjects);
        attributes = validAttributes(attributes == null ? Map.of() : attributes);
    }

    /** Base kind of a subject kind: {@code providerOrg → org}, {@code dataset → dataset}. */
    public static String baseKind(String kind) {
        if (SUBJECT_KINDS.contains(kind)) {
            return kind;
        }
        for (int i = kind.length() - 1; i > 0; i--) {
            if (Character.isUpperCase(kind.charAt(i))) {
                String base = Character.toLowerCase(kind.charAt(i)) + kind.substring(i + 1);
                return SUBJECT_KINDS.contains(base) ? base : null;
            }
        }
        return null;
    }

    private static void requireId(String what, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must match " + ID.pattern());
        }
    }

    private static Map<String, String> validSubjects(Map<String, String> in) {
        if (in.size() > MAX_ATTRIBUTES) {
            throw new IllegalArgumentException("too many subjects");
        }
        Map<String, String> out = new TreeMap<>();
        in.forEach((kind, id) -> {
            if (kind == null || !SUBJECT_KIND.matcher(kind).matches() || baseKind(kind) == null) {
                throw new IllegalArgumentException("unknown subject kind '" + kind + "'; base kinds are " + new java.util.TreeSet<>(SUBJECT_KINDS));
            }
            if (id == null || id.isEmpty() || id.length() > 256 || id.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("subject " + kind + " needs an id of 1..256 printable characters");
            }
            out.put(kind, id);
        });
        return Collections.unmodifiableMap(out);
    }

    private static Map<String, Object> validAttributes(Map<String, ?> in) {
        if (in.size() > MAX_ATTRIBUTES) {
            throw new IllegalArgumentException("at most " + MAX_ATTRIBUTES + " attributes");
        }
        Map<String, Object> out = new TreeMap<>();
        in.forEach((key, value) -> {
            if (key == null || !ATTRIBUTE_KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("attribute keys must match " + ATTRIBUTE_KEY.pattern());
            }
            if (value instanceof List<?> list) {
                if (list.size() > MAX_LIST) {
                    throw new IllegalArgumentException("attribute " + key + ": at most " + MAX_LIST + " list items");
                }
                List<Object> items = new ArrayList<>(list.size());
                for (Object item : list) {
                    items.add(scalar(key, item));
                }
                out.put(key, List.copyOf(items));
            } else {
                out.put(key, scalar(key, value));
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /** Messages name the attribute, never its value: a rejected value might be exactly what must not leak. */
    private static Object scalar(String key, Object v) {
        if (v instanceof String s) {
            if (s.length() > MAX_STRING) {
                throw new IllegalArgumentException("attribute " + key + ": strings are limited to " + MAX_STRING + " characters");
            }
            return s;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            return number(key, n);
        }
        throw new IllegalArgumentException("attribute " + key + ": only strings, numbers, booleans and lists of those are allowed");
    }

    private static Object number(String key, Number n) {
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            long l = n.longValue();
            if (Math.abs((double) l) > MAX_EXACT) {
                throw new IllegalArgumentException("attribute " + key + ": integers beyond 2^53 lose precision in JSON; use a string");
            }
            return l;
        }
        double d = n instanceof BigInteger || n instanceof BigDecimal ? new BigDecimal(n.toString()).doubleValue() : n.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("attribute " + key + ": numbers must be finite");
        }
        if (d == Math.rint(d)) {
            if (Math.abs(d) > MAX_EXACT) {
                throw new IllegalArgumentException("attribute " + key + ": integers beyond 2^53 lose precision in JSON; use a string");
            }
            return (long) d;
        }
        return d;
    }
}
