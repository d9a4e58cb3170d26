package io.veil.ledger.audit;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.veil.crypto.CanonicalJson;
import io.veil.crypto.Suite;
import io.veil.crypto.VerifyingKey;
import io.veil.ledger.ZonePublicKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/** Zone public key lists ({@code keys.json}) and the key files an auditor passes to {@code --trusted-key}. */
public final class KeyFiles {
    private static final JsonMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final Set<String> FIELDS = Set.of("zone", "suite", "keyId", "spki");

    private KeyFiles() {}

    /** The canonical JSON list form of {@code keys}, as in keys.json. */
    public static byte[] toJson(List<ZonePublicKey> keys) {
        var list = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        keys.forEach(k -> list.add(AuditBundle.keyJson(k)));
        return CanonicalJson.canonicalize(list);
    }

    /** Parses keys.json; each keyId must match the key it names. */
    public static List<ZonePublicKey> parseKeyList(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON");
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("must be a JSON array of keys");
        }
        List<ZonePublicKey> out = new ArrayList<>();
        for (JsonNode n : root) {
            if (!n.isObject() || n.size() != FIELDS.size() || !FIELDS.stream().allMatch(f -> n.path(f).isTextual())) {
                throw new IllegalArgumentException("key " + out.size() + ": needs exactly the string fields " + FIELDS);
            }
            Suite suite;
            try {
                suite = Suite.valueOf(n.get("suite").textValue());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("key " + out.size() + ": unknown suite");
            }
            VerifyingKey key;
            try {
                key = VerifyingKey.decode(suite, Base64.getDecoder().decode(n.get("spki").textValue()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("key " + out.size() + ": spki is not a " + suite + " public key");
            }
            if (!key.keyId().equals(n.get("keyId").textValue())) {
                throw new IllegalArgumentException("key " + out.size() + ": keyId " + n.get("keyId").textValue()
                        + " does not match the key (" + key.keyId() + ")");
            }
            out.add(new ZonePublicKey(n.get("zone").textValue(), key));
        }
        return out;
    }

    /**
     * Reads trusted keys from a file: a keys.json-style list, a PEM {@code PUBLIC KEY} block, or DER
     * SubjectPublicKeyInfo; the suite follows from the key algorithm (Ed25519 → INTL, SM2 → GM).
     */
    public static List<VerifyingKey> readTrusted(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.US_ASCII).strip();
        if (text.startsWith("[")) {
            return parseKeyList(bytes).stream().map(ZonePublicKey::key).toList();
        }
        byte[] der = bytes;
        if (text.startsWith("-----BEGIN PUBLIC KEY-----")) {
            int end = text.indexOf("-----END PUBLIC KEY-----");
            if (end < 0) {
                throw new IllegalArgumentException(file + ": PEM block has no END line");
            }
            der = Base64.getMimeDecoder().decode(text.substring("-----BEGIN PUBLIC KEY-----".length(), end));
        }
        for (Suite s : Suite.values()) {
            try {
                return List.of(VerifyingKey.decode(s, der));
            } catch (IllegalArgumentException e) {
                // try the next suite
            }
        }
        throw new IllegalArgumentException(file + ": not an Ed25519 or SM2 public key (PEM, DER or keys.json)");
    }

    /** PEM form of a public key, for handing to auditors. */
    public static String toPem(VerifyingKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.encoded()) + "\n-----END PUBLIC KEY-----\n";
    }
}
