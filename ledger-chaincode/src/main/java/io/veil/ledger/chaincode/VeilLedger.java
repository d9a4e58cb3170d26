package io.veil.ledger.chaincode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.crypto.CanonicalJson;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static io.veil.ledger.chaincode.Rejection.Code.AGREEMENT_EXISTS;
import static io.veil.ledger.chaincode.Rejection.Code.BAD_ARGUMENT;
import static io.veil.ledger.chaincode.Rejection.Code.EVENT_EXISTS;
import static io.veil.ledger.chaincode.Rejection.Code.MALFORMED_JSON;
import static io.veil.ledger.chaincode.Rejection.Code.MISSING_SIGNATURE;
import static io.veil.ledger.chaincode.Rejection.Code.NOT_CANONICAL;
import static io.veil.ledger.chaincode.Rejection.Code.NOT_FOUND;
import static io.veil.ledger.chaincode.Rejection.Code.NOT_LOG_OWNER;

/**
 * Veil's ledger rules on Fabric world state: append-only logs of signed, canonical entries, and
 * contract agreements, written once and never overwritten.
 *
 * <p>A log (one per zone origin, e.g. {@code veil/zone-a}) is what the client's {@code Ledger}
 * sees: entries get gapless sequence numbers from 0, assigned here, so every endorsing peer assigns
 * the same one. An entry is the exact signed form Veil stores everywhere,
 * {@code {"event":{…},"sig":{"keyId":…,"value":…}}} in RFC 8785 canonical JSON; the chaincode checks
 * its shape, canonical form and that a signature is present. Signatures are not verified here: zone
 * keys are not on the channel, so verification is the reader's job (the entry bytes are kept
 * verbatim for that).
 *
 * <p>An event id is written once per log. Appending an event whose canonical event bytes equal the
 * stored one is a no-op answering the stored seq (signatures may differ: SM2 is randomised), so
 * retries are safe; a different event under a stored id is refused ({@code EVENT_EXISTS}), and the
 * whole transaction with it.
 *
 * <p>A log belongs to the organisation (MSP) that first appended to it; appends submitted by
 * another organisation are refused ({@code NOT_LOG_OWNER}), so one zone cannot write into another
 * zone's log even though both endorse every transaction.
 *
 * <p>Keys are simple keys so range scans work on LevelDB; parts are separated by U+0001, which no
 * log id, event id or subject may contain: {@code o␁log} (owner MSP), {@code n␁log} (size), {@code e␁log␁seq} (record),
 * {@code i␁log␁eventId} (seq and event digest), {@code s␁log␁kind␁id␁seq} and
 * {@code t␁log␁type␁seq} (indexes). Sequence numbers are 16 zero-padded decimal digits so key order
 * is seq order. A role-qualified subject kind ({@code providerOrg}) is indexed under itself and under
 * its base kind ({@code org}).
 */
final class VeilLedger {
    static final String EVENT_NAME = "VeilEntries";
    static final String AGREEMENT_EVENT_NAME = "VeilAgreement";
    static final char SEP = '\u0001';
    static final int MAX_BATCH = 1000;
    static final int MAX_PAGE = 1000;
    private static final String AGREEMENT_PREFIX = "agreement~";
    /** Fabric treats an empty value as a delete, so index entries hold one zero byte. */
    private static final byte[] INDEX_VALUE = {0};
    /** Ids become parts of keys: printable ASCII without spaces keeps them unambiguous in any key form. */
    private static final Pattern ID = Pattern.compile("[!-~]{1,256}");
    private static final Pattern KIND = Pattern.compile("[a-z][a-zA-Z]{0,31}");
    private static final int MAX_PART = 512;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WorldState state;

    VeilLedger(WorldState state) {
        this.state = state;
    }

    record Appended(long seq, boolean created) {}

    /**
     * Appends entries to a log, all or nothing. Returns, per input entry, its seq and whether this
     * transaction created it. Emits one {@value #EVENT_NAME} event {@code {"log","from","to"}} naming
     * the new seqs [from, to) when anything was created.
     */
    List<Appended> append(String log, List<String> entries) {
        requirePart("log", log);
        if (entries.isEmpty() || entries.size() > MAX_BATCH) {
            throw new Rejection(BAD_ARGUMENT, "append takes 1.." + MAX_BATCH + " entries");
        }
        String submitter = state.submitterMspId();
        byte[] owner = state.get(key('o', log));
        if (owner == null) {
            state.put(key('o', log), submitter.getBytes(StandardCharsets.UTF_8));
        } else if (!new String(owner, StandardCharsets.UTF_8).equals(submitter)) {
            throw new Rejection(NOT_LOG_OWNER, "log " + log + " belongs to " + new String(owner, StandardCharsets.UTF_8)
                    + "; " + submitter + " may not append to it");
        }
        long size = size(log);
        long first = size;
        Map<String, Appended> inThisTx = new HashMap<>();
        Map<String, String> digestsInThisTx = new HashMap<>();
        List<Appended> out = new ArrayList<>();
        for (String entry : entries) {
            Parsed p = parse(entry);
            String digest = p.eventDigest;
            Appended earlier = inThisTx.get(p.eventId);
            if (earlier != null) {
                if (!digestsInThisTx.get(p.eventId).equals(digest)) {
                    throw new Rejection(EVENT_EXISTS, "event " + p.eventId + " appears twice in the batch with different content");
                }
                out.add(new Appended(earlier.seq(), false));
                continue;
            }
            byte[] known = state.get(key('i', log, p.eventId));
            if (known != null) {
                String[] seqAndDigest = new String(known, StandardCharsets.UTF_8).split(":", 2);
                if (!seqAndDigest[1].equals(digest)) {
                    throw new Rejection(EVENT_EXISTS, "event " + p.eventId + " is already recorded in log " + log
                            + " with different content; ledger entries are never overwritten");
                }
                Appended a = new Appended(Long.parseLong(seqAndDigest[0]), false);
                inThisTx.put(p.eventId, a);
                digestsInThisTx.put(p.eventId, digest);
                out.add(a);
                continue;
            }
            long seq = size++;
            String s = pad(seq);
            ObjectNode record = JSON.createObjectNode();
            record.put("seq", seq);
            record.put("entry", entry);
            stamp(record);
            state.put(key('e', log, s), bytes(record));
            state.put(key('i', log, p.eventId), (seq + ":" + digest).getBytes(StandardCharsets.UTF_8));
            state.put(key('t', log, p.type, s), INDEX_VALUE);
            for (String[] subject : p.subjectKeys) {
                state.put(key('s', log, subject[0], subject[1], s), INDEX_VALUE);
            }
            Appended a = new Appended(seq, true);
            inThisTx.put(p.eventId, a);
            digestsInThisTx.put(p.eventId, digest);
            out.add(a);
        }
        if (size > first) {
            state.put(key('n', log), Long.toString(size).getBytes(StandardCharsets.UTF_8));
            ObjectNode ev = JSON.createObjectNode();
            ev.put("log", log);
            ev.put("from", first);
            ev.put("to", size);
            state.emit(EVENT_NAME, bytes(ev));
        }
        return out;
    }

    long size(String log) {
        requirePart("log", log);
        byte[] v = state.get(key('n', log));
        return v == null ? 0 : Long.parseLong(new String(v, StandardCharsets.UTF_8));
    }

    /** The stored record {@code {"seq","entry","txId","submitterMsp","recordedAt"}} at seq. */
    byte[] get(String log, long seq) {
        requirePart("log", log);
        byte[] v = seq < 0 ? null : state.get(key('e', log, pad(seq)));
        if (v == null) {
            throw new Rejection(NOT_FOUND, "no entry " + seq + " in log " + log);
        }
        return v;
    }

    /** The stored record of an event id. */
    byte[] find(String log, String eventId) {
        requireId("eventId", eventId);
        byte[] known = state.get(key('i', log, eventId));
        if (known == null) {
            throw new Rejection(NOT_FOUND, "no event " + eventId + " in log " + log);
        }
        return get(log, Long.parseLong(new String(known, StandardCharsets.UTF_8).split(":", 2)[0]));
    }

    /**
     * Up to {@code limit} records with seq &gt; afterSeq, in seq order, from one index:
     * {@code all}, {@code subject kind id} or {@code type name}. Answers
     * {@code {"records":[…],"more":bool}}.
     */
    byte[] scan(String log, String index, String k1, String k2, long afterSeq, int limit) {
        requirePart("log", log);
        if (limit < 1 || limit > MAX_PAGE || afterSeq < -1) {
            throw new Rejection(BAD_ARGUMENT, "limit must be 1.." + MAX_PAGE + " and afterSeq ≥ -1");
        }
        String prefix;
        boolean indexOnly;
        switch (index) {
            case "all" -> { prefix = key('e', log) + SEP; indexOnly = false; }
            case "subject" -> { requirePart("subject kind", k1); requirePart("subject id", k2); prefix = key('s', log, k1, k2) + SEP; indexOnly = true; }
            case "type" -> { requirePart("type", k1); prefix = key('t', log, k1) + SEP; indexOnly = true; }
            default -> throw new Rejection(BAD_ARGUMENT, "index must be all, subject or type");
        }
        // Digits sort before ':', so [prefix+pad(after+1), prefix+":") is exactly the later seqs.
        List<WorldState.Kv> found = state.range(prefix + pad(afterSeq + 1), prefix + ":", limit + 1);
        ArrayNode records = JSON.createArrayNode();
        for (int i = 0; i < Math.min(limit, found.size()); i++) {
            WorldState.Kv kv = found.get(i);
            byte[] record = indexOnly ? state.get(key('e', log, kv.key().substring(prefix.length()))) : kv.value();
            if (record == null) {
                throw new IllegalStateException("index names a missing entry");
            }
            try {
                records.add(JSON.readTree(record));
            } catch (Exception e) {
                throw new IllegalStateException("unreadable record", e);
            }
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("records", records);
        out.put("more", found.size() > limit);
        return bytes(out);
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

    byte[] getAgreement(String contractId) {
        requireId("contractId", contractId);
        byte[] v = state.get(AGREEMENT_PREFIX + contractId);
        if (v == null) {
            throw new Rejection(NOT_FOUND, "no agreement for contract " + contractId);
        }
        return v;
    }

    private record Parsed(String eventId, String type, String eventDigest, List<String[]> subjectKeys) {}

    /** Checks one signed entry's shape; the stored form is the argument string itself. */
    private static Parsed parse(String entry) {
        JsonNode root = canonicalObject("entry", entry);
        if (!fieldsAre(root, Set.of("event", "sig"))) {
            throw new Rejection(MALFORMED_JSON, "entry must have exactly the fields event and sig");
        }
        JsonNode sig = root.get("sig");
        if (!sig.isObject() || !fieldsAre(sig, Set.of("keyId", "value")) || !sig.get("keyId").isTextual() || !sig.get("value").isTextual()) {
            throw new Rejection(MISSING_SIGNATURE, "sig must have exactly the string fields keyId and value");
        }
        if (sig.get("keyId").asText().isBlank()) {
            throw new Rejection(MISSING_SIGNATURE, "sig.keyId is empty");
        }
        requireSignature("sig.value", sig.get("value").asText());
        JsonNode event = root.get("event");
        if (!event.isObject()) {
            throw new Rejection(MALFORMED_JSON, "event must be an object");
        }
        JsonNode id = event.get("eventId");
        if (id == null || !id.isTextual()) {
            throw new Rejection(MALFORMED_JSON, "event has no string 'eventId'");
        }
        requireId("eventId", id.asText());
        JsonNode type = event.get("type");
        if (type == null || !type.isTextual() || type.asText().isEmpty()) {
            throw new Rejection(MALFORMED_JSON, "event has no string 'type'");
        }
        requirePart("type", type.asText());
        JsonNode at = event.get("occurredAt");
        if (at == null || !at.isTextual()) {
            throw new Rejection(MALFORMED_JSON, "event has no string 'occurredAt'");
        }
        JsonNode subjects = event.get("subjects");
        if (subjects == null || !subjects.isObject()) {
            throw new Rejection(MALFORMED_JSON, "event has no 'subjects' object");
        }
        Set<List<String>> keys = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> s : subjects.properties()) {
            String kind = s.getKey();
            if (!KIND.matcher(kind).matches()) {
                throw new Rejection(MALFORMED_JSON, "subject kind '" + kind + "' must match " + KIND.pattern());
            }
            if (!s.getValue().isTextual()) {
                throw new Rejection(MALFORMED_JSON, "subject '" + kind + "' must map to a string id");
            }
            String sid = s.getValue().asText();
            requirePart("subject id", sid);
            keys.add(List.of(kind, sid));
            String base = baseKind(kind);
            if (base != null) {
                keys.add(List.of(base, sid));
            }
        }
        List<String[]> subjectKeys = keys.stream().map(l -> l.toArray(String[]::new)).toList();
        return new Parsed(id.asText(), type.asText(), sha256Hex(CanonicalJson.canonicalize(event)), subjectKeys);
    }

    /** {@code providerOrg → org}: the part from the last capital letter, lower-cased; null for a base kind. */
    static String baseKind(String kind) {
        for (int i = kind.length() - 1; i > 0; i--) {
            if (Character.isUpperCase(kind.charAt(i))) {
                return Character.toLowerCase(kind.charAt(i)) + kind.substring(i + 1);
            }
        }
        return null;
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

    private void stamp(ObjectNode record) {
        record.put("submitterMsp", state.submitterMspId());
        record.put("txId", state.txId());
        record.put("recordedAt", state.txTimestamp().toString());
    }

    static String key(char kind, String... parts) {
        StringBuilder b = new StringBuilder().append(kind);
        for (String p : parts) {
            b.append(SEP).append(p);
        }
        return b.toString();
    }

    static String pad(long seq) {
        return String.format("%016d", seq);
    }

    private static String sha256Hex(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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

    private static byte[] bytes(JsonNode record) {
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

    /** Key parts: no control characters (U+0001 separates parts), not empty, bounded. */
    private static void requirePart(String name, String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_PART || value.chars().anyMatch(Character::isISOControl)) {
            throw new Rejection(BAD_ARGUMENT, name + " must be 1-" + MAX_PART + " characters without control characters");
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
