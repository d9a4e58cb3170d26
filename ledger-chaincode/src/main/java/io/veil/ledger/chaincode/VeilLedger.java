package io.veil.ledger.chaincode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.crypto.CanonicalJson;
import org.hyperledger.fabric.shim.ledger.CompositeKey;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.veil.ledger.chaincode.Rejection.Code.AGREEMENT_EXISTS;
import static io.veil.ledger.chaincode.Rejection.Code.BAD_ARGUMENT;
import static io.veil.ledger.chaincode.Rejection.Code.EVENT_EXISTS;
import static io.veil.ledger.chaincode.Rejection.Code.MALFORMED_JSON;
import static io.veil.ledger.chaincode.Rejection.Code.MISSING_SIGNATURE;
import static io.veil.ledger.chaincode.Rejection.Code.NOT_CANONICAL;
import static io.veil.ledger.chaincode.Rejection.Code.NOT_FOUND;

/**
 * Veil's ledger rules on Fabric world state: signed, canonical events and contract agreements, written
 * once and never overwritten, indexed by subject and by type.
 *
 * <p>Keys: {@code event~<eventId>} and {@code agreement~<contractId>} hold the records; composite keys
 * {@code subject~kind~id~eventId} and {@code type~type~eventId} index events. Records embed the signed
 * text as a string so its exact bytes (what the signature covers) survive. Signatures are checked for
 * presence and encoding only; zone keys are not on the channel, so verification is the reader's job.
 */
final class VeilLedger {
    static final String EVENT_NAME = "VeilEvent";
    static final String AGREEMENT_EVENT_NAME = "VeilAgreement";
    private static final String EVENT_PREFIX = "event~";
    private static final String AGREEMENT_PREFIX = "agreement~";
    private static final String SUBJECT_INDEX = "subject";
    private static final String TYPE_INDEX = "type";
    /** Fabric treats an empty value as a delete, so index entries hold one zero byte. */
    private static final byte[] INDEX_VALUE = {0};
    /** Ids become parts of keys: printable ASCII without spaces keeps them unambiguous in any key form. */
    private static final Pattern ID = Pattern.compile("[!-~]{1,256}");
    private static final int MAX_SUBJECT_PART = 512;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WorldState state;

    VeilLedger(WorldState state) {
        this.state = state;
    }

    /** Appends a signed event; refuses an id already on the ledger, whatever its content. */
    void appendEvent(String eventId, String canonicalEventJson, String signatureB64, String signerKeyId) {
        requireId("eventId", eventId);
        requireSignature("signature", signatureB64);
        if (signerKeyId == null || signerKeyId.isBlank()) {
            throw new Rejection(MISSING_SIGNATURE, "signerKeyId is empty");
        }
        JsonNode event = canonicalObject("event", canonicalEventJson);
        JsonNode claimedId = event.get("eventId");
        if (claimedId != null && !eventId.equals(claimedId.asText())) {
            throw new Rejection(BAD_ARGUMENT, "eventId argument does not match the event's eventId");
        }
        JsonNode type = event.get("type");
        if (type == null || !type.isTextual() || type.asText().isEmpty()) {
            throw new Rejection(MALFORMED_JSON, "event has no string 'type'");
        }
        Map<String, String> subjects = subjects(event.get("subjects"));
        String key = EVENT_PREFIX + eventId;
        if (state.get(key) != null) {
            throw new Rejection(EVENT_EXISTS, "event " + eventId + " is already recorded; ledger events are never overwritten");
        }
        ObjectNode record = JSON.createObjectNode();
        record.put("eventId", eventId);
        record.put("event", canonicalEventJson);
        record.put("signature", signatureB64);
        record.put("signerKeyId", signerKeyId);
        stamp(record);
        state.put(key, bytes(record));
        state.put(compositeKey(TYPE_INDEX, type.asText(), eventId), INDEX_VALUE);
        for (Map.Entry<String, String> s : subjects.entrySet()) {
            state.put(compositeKey(SUBJECT_INDEX, s.getKey(), s.getValue(), eventId), INDEX_VALUE);
        }
        state.emit(EVENT_NAME, eventId.getBytes(StandardCharsets.UTF_8));
    }

    /** Records an agreement signed by both parties; refuses a contract id already recorded. */
    void putAgreement(String contractId, String canonicalJson, String providerSigB64, String consumerSigB64) {
        requireId("contractId", contractId);
        requireSignature("providerSig", providerSigB64);
        requireSignature("consumerSig", consumerSigB64);
        JsonNode agreement = canonicalObject("agreement", canonicalJson);
        JsonNode claimedId = agreement.get("contractId");
        if (claimedId != null && !contractId.equals(claimedId.asText())) {
            throw new Rejection(BAD_ARGUMENT, "contractId argument does not match the agreement's contractId");
        }
        String key = AGREEMENT_PREFIX + contractId;
        if (state.get(key) != null) {
            throw new Rejection(AGREEMENT_EXISTS, "agreement for contract " + contractId + " is already recorded; agreements are never overwritten");
        }
        ObjectNode record = JSON.createObjectNode();
        record.put("contractId", contractId);
        record.put("agreement", canonicalJson);
        record.put("providerSignature", providerSigB64);
        record.put("consumerSignature", consumerSigB64);
        stamp(record);
        state.put(key, bytes(record));
        state.emit(AGREEMENT_EVENT_NAME, contractId.getBytes(StandardCharsets.UTF_8));
    }

    /** The stored event record (JSON object). */
    byte[] getEvent(String eventId) {
        requireId("eventId", eventId);
        byte[] v = state.get(EVENT_PREFIX + eventId);
        if (v == null) {
            throw new Rejection(NOT_FOUND, "no event " + eventId);
        }
        return v;
    }

    byte[] getAgreement(String contractId) {
        requireId("contractId", contractId);
        byte[] v = state.get(AGREEMENT_PREFIX + contractId);
        if (v == null) {
            throw new Rejection(NOT_FOUND, "no agreement for contract " + contractId);
        }
        return v;
    }

    /** JSON array of the event records naming this subject, in event-id order. */
    byte[] queryBySubject(String kind, String id) {
        requireSubjectPart("kind", kind);
        requireSubjectPart("id", id);
        return records(state.findComposite(SUBJECT_INDEX, kind, id), 2);
    }

    /** JSON array of the event records of this type, in event-id order. */
    byte[] queryByType(String type) {
        requireSubjectPart("type", type);
        return records(state.findComposite(TYPE_INDEX, type), 1);
    }

    private byte[] records(List<CompositeKey> index, int eventIdPosition) {
        List<byte[]> found = new ArrayList<>();
        int size = 2;
        for (CompositeKey k : index) {
            byte[] r = state.get(EVENT_PREFIX + k.getAttributes().get(eventIdPosition));
            if (r != null) {
                found.add(r);
                size += r.length + 1;
            }
        }
        byte[] out = new byte[size];
        int at = 0;
        out[at++] = '[';
        for (int i = 0; i < found.size(); i++) {
            if (i > 0) {
                out[at++] = ',';
            }
            byte[] r = found.get(i);
            System.arraycopy(r, 0, out, at, r.length);
            at += r.length;
        }
        out[at++] = ']';
        return Arrays.copyOf(out, at);
    }

    private void stamp(ObjectNode record) {
        record.put("submitterMsp", state.submitterMspId());
        record.put("txId", state.txId());
        record.put("recordedAt", state.txTimestamp().toString());
    }

    private static JsonNode canonicalObject(String what, String json) {
        if (json == null || json.isEmpty()) {
            throw new Rejection(MALFORMED_JSON, what + " JSON is empty");
        }
        byte[] canonical;
        try {
            canonical = CanonicalJson.canonicalize(json);
        } catch (IllegalArgumentException e) {
            throw new Rejection(MALFORMED_JSON, what + " is not valid JSON (" + e.getMessage() + ")");
        }
        if (!Arrays.equals(canonical, json.getBytes(StandardCharsets.UTF_8))) {
            throw new Rejection(NOT_CANONICAL, what + " JSON is not in RFC 8785 canonical form, so its signature could not be re-checked byte for byte");
        }
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (Exception e) {
            throw new Rejection(MALFORMED_JSON, what + " is not valid JSON");
        }
        if (!node.isObject()) {
            throw new Rejection(MALFORMED_JSON, what + " must be a JSON object");
        }
        return node;
    }

    /** Subjects as {kind: id} or [{"kind":..,"id":..}]; absent means the event names no subject. */
    private static Map<String, String> subjects(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (!e.getValue().isTextual()) {
                    throw new Rejection(MALFORMED_JSON, "subject '" + e.getKey() + "' must map to a string id");
                }
                put(out, e.getKey(), e.getValue().asText());
            }
        } else if (node.isArray()) {
            for (JsonNode s : node) {
                if (!s.path("kind").isTextual() || !s.path("id").isTextual()) {
                    throw new Rejection(MALFORMED_JSON, "each subject needs string 'kind' and 'id'");
                }
                put(out, s.get("kind").asText(), s.get("id").asText());
            }
        } else {
            throw new Rejection(MALFORMED_JSON, "'subjects' must be an object or an array");
        }
        return out;
    }

    private static void put(Map<String, String> subjects, String kind, String id) {
        requireSubjectPart("subject kind", kind);
        requireSubjectPart("subject id", id);
        subjects.put(kind, id);
    }

    private static String compositeKey(String type, String... attributes) {
        return new CompositeKey(type, attributes).toString();
    }

    private static byte[] bytes(ObjectNode record) {
        try {
            return JSON.writeValueAsBytes(record);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void requireId(String name, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new Rejection(BAD_ARGUMENT, name + " must be 1-256 printable ASCII characters without spaces");
        }
    }

    /** Composite-key parts may not contain U+0000 (the separator) or U+10FFFF (the range end). */
    private static void requireSubjectPart(String name, String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_SUBJECT_PART
                || value.indexOf('\u0000') >= 0 || value.contains("\uDBFF\uDFFF")) {
            throw new Rejection(BAD_ARGUMENT, name + " must be 1-" + MAX_SUBJECT_PART + " characters without U+0000 or U+10FFFF");
        }
    }

    private static void requireSignature(String name, String b64) {
        if (b64 == null || b64.isBlank()) {
            throw new Rejection(MISSING_SIGNATURE, name + " is empty");
        }
        try {
            if (Base64.getDecoder().decode(b64).length == 0) {
                throw new Rejection(MISSING_SIGNATURE, name + " decodes to no bytes");
            }
        } catch (IllegalArgumentException e) {
            throw new Rejection(MISSING_SIGNATURE, name + " is not standard Base64");
        }
    }
}
