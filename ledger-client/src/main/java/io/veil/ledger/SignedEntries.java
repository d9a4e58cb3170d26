package io.veil.ledger;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.crypto.CanonicalJson;
import io.veil.crypto.SigningKey;
import io.veil.crypto.VerifyingKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stored form of an event. The zone signs the canonical JSON (RFC 8785) of the event; the
 * stored entry is the canonical JSON of {@code {"event":…,"sig":{"keyId":…,"value":base64}}}.
 * Decoding is strict — unknown fields, non-canonical bytes or values the event record would
 * normalise differently are rejected — so one entry has exactly one byte representation and one
 * leaf hash.
 */
public final class SignedEntries {
    /** Format version inside every event; bump only with a migration note in LEDGER.md. */
    public static final int VERSION = 1;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Set<String> EVENT_FIELDS = Set.of("attributes", "eventId", "occurredAt", "subjects", "type", "v", "zone");

    private SignedEntries() {}

    /** A decoded entry; {@code eventBytes} are the canonical event bytes the signature covers. */
    public record Decoded(LedgerEvent event, String keyId, byte[] signature, byte[] eventBytes) {
        public boolean verify(VerifyingKey key) {
            return key.keyId().equals(keyId) && key.verify(eventBytes, signature);
        }
    }

    public static byte[] canonicalEvent(LedgerEvent e) {
        ObjectNode n = NODES.objectNode();
        n.put("v", VERSION);
        n.put("eventId", e.eventId());
        n.put("type", e.type().wireName());
        n.put("zone", e.zone());
        n.put("occurredAt", e.occurredAt().toString());
        ObjectNode subjects = n.putObject("subjects");
        e.subjects().forEach(subjects::put);
        ObjectNode attributes = n.putObject("attributes");
        e.attributes().forEach((k, v) -> attributes.set(k, toNode(v)));
        return CanonicalJson.canonicalize(n);
    }

    /** Signs and frames an event; the result is what the ledger stores and hashes. */
    public static byte[] encode(LedgerEvent e, SigningKey signer) {
        byte[] event = canonicalEvent(e);
        String sig = Base64.getEncoder().encodeToString(signer.sign(event));
        // Already canonical: "event" < "sig", "keyId" < "value", and hex/base64 need no escaping.
        String prefix = "{\"event\":";
        String suffix = ",\"sig\":{\"keyId\":\"" + signer.verifyingKey().keyId() + "\",\"value\":\"" + sig + "\"}}";
        byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
        byte[] s = suffix.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[p.length + event.length + s.length];
        System.arraycopy(p, 0, out, 0, p.length);
        System.arraycopy(event, 0, out, p.length, event.length);
        System.arraycopy(s, 0, out, p.length + event.length, s.length);
        return out;
    }

    /** Parses a stored entry; IllegalArgumentException names the first problem (never a value). */
    public static Decoded decode(byte[] entry) {
        JsonNode root;
        try {
            root = STRICT.readTree(entry);
        } catch (IOException e) {
            throw new IllegalArgumentException("entry is not valid JSON");
        }
        if (root == null || !root.isObject() || !fieldsAre(root, Set.of("event", "sig"))) {
            throw new IllegalArgumentException("entry must have exactly the fields event and sig");
        }
        JsonNode sig = root.get("sig");
        if (!sig.isObject() || !fieldsAre(sig, Set.of("keyId", "value")) || !sig.get("keyId").isTextual() || !sig.get("value").isTextual()) {
            throw new IllegalArgumentException("sig must have exactly the string fields keyId and value");
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(sig.get("value").textValue());
            if (!Base64.getEncoder().encodeToString(signature).equals(sig.get("value").textValue())) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sig.value is not canonical base64");
        }
        LedgerEvent event = toEvent(root.get("event"));
        byte[] eventBytes = canonicalEvent(event);
        if (!Arrays.equals(CanonicalJson.canonicalize(root), entry)
                || !Arrays.equals(CanonicalJson.canonicalize(root.get("event")), eventBytes)) {
            throw new IllegalArgumentException("entry is not in canonical form");
        }
        return new Decoded(event, sig.get("keyId").textValue(), signature, eventBytes);
    }

    private static LedgerEvent toEvent(JsonNode n) {
        if (n == null || !n.isObject() || !fieldsAre(n, EVENT_FIELDS)) {
            throw new IllegalArgumentException("event must have exactly the fields " + EVENT_FIELDS);
        }
        if (!n.get("v").isIntegralNumber() || n.get("v").asLong() != VERSION) {
            throw new IllegalArgumentException("unsupported event format version");
        }
        EventType type = EventType.fromWireName(text(n, "type"))
                .orElseThrow(() -> new IllegalArgumentException("unknown event type"));
        String at = text(n, "occurredAt");
        Instant occurredAt;
        try {
            occurredAt = Instant.parse(at);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("occurredAt is not an ISO-8601 instant");
        }
        Map<String, String> subjects = new LinkedHashMap<>();
        JsonNode s = n.get("subjects");
        if (!s.isObject()) {
            throw new IllegalArgumentException("subjects must be an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().isTextual()) {
                throw new IllegalArgumentException("subject ids must be strings");
            }
            subjects.put(f.getKey(), f.getValue().textValue());
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        JsonNode a = n.get("attributes");
        if (!a.isObject()) {
            throw new IllegalArgumentException("attributes must be an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            attributes.put(f.getKey(), fromNode(f.getValue()));
        }
        return new LedgerEvent(text(n, "eventId"), type, text(n, "zone"), occurredAt, subjects, attributes);
    }

    private static boolean fieldsAre(JsonNode n, Set<String> names) {
        if (n.size() != names.size()) {
            return false;
        }
        for (String name : names) {
            if (!n.has(name)) {
                return false;
            }
        }
        return true;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return v.textValue();
    }

    private static JsonNode toNode(Object v) {
        if (v instanceof String s) {
            return NODES.textNode(s);
        }
        if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (v instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (v instanceof Double d) {
            return NODES.numberNode(d);
        }
        if (v instanceof List<?> list) {
            ArrayNode arr = NODES.arrayNode();
            list.forEach(item -> arr.add(toNode(item)));
            return arr;
        }
        throw new IllegalStateException("unnormalised attribute value " + v.getClass());
    }

    private static Object fromNode(JsonNode v) {
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isIntegralNumber()) {
            if (!v.canConvertToLong()) {
                throw new IllegalArgumentException("attribute number out of range");
            }
            return v.longValue();
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isArray()) {
            List<Object> items = new ArrayList<>();
            for (JsonNode item : v) {
                if (item.isArray() || item.isObject()) {
                    throw new IllegalArgumentException("attribute lists must be flat");
                }
                items.add(fromNode(item));
            }
            return items;
        }
        throw new IllegalArgumentException("attribute values must be strings, numbers, booleans or flat lists");
    }
}
