package io.veil.ledger.audit;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.veil.crypto.CanonicalJson;
import io.veil.crypto.Suite;
import io.veil.crypto.VerifyingKey;
import io.veil.ledger.ConsistencyProof;
import io.veil.ledger.InclusionProof;
import io.veil.ledger.MerkleProofs;
import io.veil.ledger.SignedCheckpoint;
import io.veil.ledger.SignedEntries;
import io.veil.ledger.ZonePublicKey;
import io.veil.ledger.audit.AuditReport.Check;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Checks an {@link AuditBundle} offline: the checkpoint signature, each entry's encoding and zone
 * signature, each inclusion proof against the checkpoint root and, given an earlier checkpoint the
 * auditor holds, consistency with it. Without trusted keys the bundle's own {@code keys.json} is
 * used, which proves integrity of the bundle but not who produced it; the report says so.
 */
public final class BundleVerifier {
    private static final long MAX_PART = 256L << 20;
    private static final JsonMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final Set<String> PARTS = Set.of(AuditBundle.CHECKPOINT, AuditBundle.EVENTS, AuditBundle.KEYS,
            AuditBundle.MANIFEST, AuditBundle.CONSISTENCY);

    private final List<Check> checks = new ArrayList<>();
    private final Map<String, String> zoneByKeyId = new HashMap<>();

    private BundleVerifier() {}

    /**
     * @param trustedKeys the zone keys the auditor trusts; empty to use the bundle's keys.json
     * @param previousNote an earlier signed checkpoint the auditor holds, to check consistency against
     */
    public static AuditReport verify(Path zip, List<VerifyingKey> trustedKeys, Optional<String> previousNote) {
        BundleVerifier v = new BundleVerifier();
        v.run(zip, trustedKeys, previousNote);
        return new AuditReport(v.checks);
    }

    private void pass(String name, String detail) {
        checks.add(new Check(name, true, detail));
    }

    private void fail(String name, String detail) {
        checks.add(new Check(name, false, detail));
    }

    private void run(Path zip, List<VerifyingKey> trustedKeys, Optional<String> previousNote) {
        Map<String, byte[]> parts;
        try {
            parts = readParts(zip);
        } catch (IllegalArgumentException e) {
            fail("bundle", e.getMessage());
            return;
        }
        for (String required : List.of(AuditBundle.CHECKPOINT, AuditBundle.EVENTS, AuditBundle.KEYS, AuditBundle.MANIFEST)) {
            if (!parts.containsKey(required)) {
                fail("bundle", required + " is missing");
                return;
            }
        }
        pass("bundle", "contains " + new java.util.TreeSet<>(parts.keySet()));
        container(zip, parts);
        for (String json : List.of(AuditBundle.KEYS, AuditBundle.MANIFEST, AuditBundle.CONSISTENCY)) {
            if (parts.containsKey(json) && !canonical(parts.get(json))) {
                fail(json, "not canonical JSON (RFC 8785): the exporter never writes it like this");
            }
        }
        List<VerifyingKey> keys = keys(parts.get(AuditBundle.KEYS), trustedKeys);
        if (keys.isEmpty()) {
            return;
        }
        Suite suite = keys.get(0).suite();
        SignedCheckpoint cp = checkpoint(new String(parts.get(AuditBundle.CHECKPOINT), StandardCharsets.UTF_8), keys, "checkpoint");
        if (cp == null) {
            return;
        }
        Set<Long> seqs = events(parts.get(AuditBundle.EVENTS), cp, keys, suite);
        manifest(parts.get(AuditBundle.MANIFEST), cp, seqs);
        consistency(parts.get(AuditBundle.CONSISTENCY), cp, previousNote, keys, suite);
    }

    /** The file must be byte for byte the zip the exporter writes for these parts (fixed order, STORED, fixed times). */
    private void container(Path zip, Map<String, byte[]> parts) {
        Map<String, byte[]> ordered = new LinkedHashMap<>();
        AuditBundle.ORDER.stream().filter(parts::containsKey).forEach(n -> ordered.put(n, parts.get(n)));
        try {
            if (!new java.util.ArrayList<>(parts.keySet()).equals(new java.util.ArrayList<>(ordered.keySet()))
                    || !Arrays.equals(AuditBundle.zip(ordered), Files.readAllBytes(zip))) {
                fail("bundle container", "zip structure differs from what the exporter writes (bytes outside the checked files were changed)");
                return;
            }
        } catch (IOException e) {
            fail("bundle container", "cannot re-read the bundle (" + e.getMessage() + ")");
            return;
        }
        pass("bundle container", "zip is exactly the exporter's encoding of its files");
    }

    static boolean canonical(byte[] json) {
        try {
            return Arrays.equals(CanonicalJson.canonicalize(new String(json, StandardCharsets.UTF_8)), json);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Base64 that re-encodes to exactly the same text (no ignored padding bits). */
    static byte[] strictBase64(String s) {
        byte[] b = Base64.getDecoder().decode(s);
        if (!Base64.getEncoder().encodeToString(b).equals(s)) {
            throw new IllegalArgumentException("non-canonical base64");
        }
        return b;
    }

    private Map<String, byte[]> readParts(Path zip) {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip), StandardCharsets.UTF_8)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (!PARTS.contains(e.getName())) {
                    throw new IllegalArgumentException("unexpected file " + e.getName() + " in bundle");
                }
                if (parts.put(e.getName(), readBounded(in, e.getName())) != null) {
                    throw new IllegalArgumentException(e.getName() + " appears twice in bundle");
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a readable zip file (" + e.getMessage() + ")");
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("not a zip file or an empty one");
        }
        return parts;
    }

    private static byte[] readBounded(InputStream in, String name) throws IOException {
        byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_PART + 1));
        if (b.length > MAX_PART) {
            throw new IllegalArgumentException(name + " is larger than " + MAX_PART + " bytes");
        }
        return b;
    }

    /** The keys to verify with: trusted ones if given (and every bundle key must be among them), else the bundle's. */
    private List<VerifyingKey> keys(byte[] keysJson, List<VerifyingKey> trusted) {
        List<ZonePublicKey> bundleKeys;
        try {
            bundleKeys = KeyFiles.parseKeyList(keysJson);
        } catch (IllegalArgumentException e) {
            fail("keys.json", e.getMessage());
            return List.of();
        }
        bundleKeys.forEach(k -> zoneByKeyId.put(k.keyId(), k.zone()));
        if (bundleKeys.isEmpty() && trusted.isEmpty()) {
            fail("keys.json", "no zone keys in the bundle and none trusted");
            return List.of();
        }
        if (trusted.isEmpty()) {
            pass("keys.json", bundleKeys.size() + " zone key(s) taken from the bundle itself (not independently trusted; use --trusted-key)");
            return bundleKeys.stream().map(ZonePublicKey::key).toList();
        }
        Suite suite = trusted.get(0).suite();
        if (trusted.stream().anyMatch(k -> k.suite() != suite)) {
            fail("trusted keys", "trusted keys mix suites");
            return List.of();
        }
        boolean ok = true;
        for (ZonePublicKey k : bundleKeys) {
            if (trusted.stream().noneMatch(t -> t.suite() == k.suite() && java.util.Arrays.equals(t.encoded(), k.key().encoded()))) {
                fail("keys.json", "bundle key " + k.keyId() + " (zone " + k.zone() + ") is not among the trusted keys");
                ok = false;
            }
        }
        if (ok) {
            pass("keys.json", "every bundle key is trusted");
        }
        return trusted;
    }

    private SignedCheckpoint checkpoint(String note, List<VerifyingKey> keys, String name) {
        SignedCheckpoint cp;
        try {
            cp = SignedCheckpoint.parse(note);
        } catch (IllegalArgumentException e) {
            fail(name, e.getMessage());
            return null;
        }
        Optional<VerifyingKey> signer = cp.signer(keys);
        if (signer.isEmpty()) {
            fail(name + " signature", "the " + name + " (origin " + cp.origin() + ", tree size " + cp.treeSize()
                    + ") is not signed by any " + (keys.size() == 1 ? "zone key " + keys.get(0).keyId() : "of the zone keys"));
            return null;
        }
        pass(name + " signature", "tree size " + cp.treeSize() + ", signed by " + signer.get().keyId());
        return cp;
    }

    private Set<Long> events(byte[] jsonl, SignedCheckpoint cp, List<VerifyingKey> keys, Suite suite) {
        Map<String, VerifyingKey> byId = new HashMap<>();
        keys.forEach(k -> byId.put(k.keyId(), k));
        String text = new String(jsonl, StandardCharsets.UTF_8);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            fail("events.jsonl", "last line is not terminated (file truncated?)");
        }
        String[] lines = text.isEmpty() ? new String[0] : text.split("\n", -1);
        Set<Long> seen = new HashSet<>();
        int count = 0;
        for (int i = 0; i < lines.length; i++) {
            if (i == lines.length - 1 && lines[i].isEmpty()) {
                break;
            }
            count++;
            entry(i + 1, lines[i], cp, byId, suite, seen);
        }
        if (count == 0) {
            fail("events.jsonl", "the bundle holds no events");
        }
        return seen;
    }

    private void manifest(byte[] json, SignedCheckpoint cp, Set<Long> seen) {
        List<Long> listed = new ArrayList<>();
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject() || n.size() != 2 || !n.path("treeSize").canConvertToLong() || !n.path("seqs").isArray()) {
                throw new IllegalArgumentException();
            }
            if (n.get("treeSize").longValue() != cp.treeSize()) {
                fail("manifest.json", "manifest is for tree size " + n.get("treeSize").longValue() + ", the checkpoint for " + cp.treeSize());
                return;
            }
            for (JsonNode s : n.get("seqs")) {
                if (!s.canConvertToLong()) {
                    throw new IllegalArgumentException();
                }
                listed.add(s.longValue());
            }
        } catch (IOException | IllegalArgumentException e) {
            fail("manifest.json", "malformed: needs exactly treeSize and seqs");
            return;
        }
        Set<Long> listedSet = new HashSet<>(listed);
        boolean ok = listedSet.size() == listed.size();
        if (!ok) {
            fail("manifest.json", "lists a seq twice");
        }
        for (long s : listedSet) {
            if (!seen.contains(s)) {
                fail("event seq " + s, "listed in manifest.json but missing from events.jsonl");
                ok = false;
            }
        }
        for (long s : seen) {
            if (!listedSet.contains(s)) {
                fail("event seq " + s, "present in events.jsonl but not listed in manifest.json");
                ok = false;
            }
        }
        if (ok) {
            pass("manifest.json", "events.jsonl holds exactly the " + listed.size() + " listed entries");
        }
    }

    private void entry(int lineNo, String line, SignedCheckpoint cp, Map<String, VerifyingKey> byId, Suite suite, Set<Long> seen) {
        String where = "event line " + lineNo;
        long seq;
        byte[] entry;
        List<byte[]> path = new ArrayList<>();
        try {
            if (!canonical(line.getBytes(StandardCharsets.UTF_8))) {
                throw new IllegalArgumentException("not canonical JSON");
            }
            JsonNode n = JSON.readTree(line);
            if (n == null || !n.isObject() || n.size() != 3 || !n.path("seq").canConvertToLong() || !n.path("entry").isTextual()
                    || !n.path("proof").isArray()) {
                throw new IllegalArgumentException("needs exactly seq, entry and proof");
            }
            seq = n.get("seq").longValue();
            entry = strictBase64(n.get("entry").textValue());
            for (JsonNode h : n.get("proof")) {
                path.add(strictBase64(h.textValue() == null ? "" : h.textValue()));
            }
        } catch (IOException | IllegalArgumentException e) {
            fail(where, "not a valid event line: " + e.getMessage());
            return;
        }
        where = "event seq " + seq;
        if (!seen.add(seq)) {
            fail(where, "appears twice in the bundle");
        }
        SignedEntries.Decoded d;
        try {
            d = SignedEntries.decode(entry);
        } catch (IllegalArgumentException e) {
            fail(where + " encoding", e.getMessage());
            return;
        }
        VerifyingKey key = byId.get(d.keyId());
        if (key == null) {
            fail(where + " signature", "signed by key " + d.keyId() + ", which is not a zone key of this bundle");
        } else if (!d.verify(key)) {
            fail(where + " signature", "zone signature (key " + d.keyId() + ") does not verify over the event");
        } else {
            pass(where + " signature", d.event().type().wireName() + " " + d.event().eventId() + ", key " + d.keyId());
            String zone = zoneByKeyId.get(d.keyId());
            if (zone != null && !zone.equals(d.event().zone())) {
                fail(where + " zone", "event names zone " + d.event().zone() + " but is signed by the key keys.json gives to zone " + zone);
            }
        }
        InclusionProof proof = new InclusionProof(seq, cp.treeSize(), path);
        if (MerkleProofs.verifyInclusion(suite, proof, MerkleProofs.leafHash(suite, entry), cp.rootHash())) {
            pass(where + " inclusion", "included in the checkpoint's tree of size " + cp.treeSize());
        } else {
            fail(where + " inclusion", "inclusion proof does not lead from this entry to the checkpoint root (tree size " + cp.treeSize() + ")");
        }
    }

    private void consistency(byte[] json, SignedCheckpoint cp, Optional<String> previousNote, List<VerifyingKey> keys, Suite suite) {
        if (previousNote.isEmpty()) {
            if (json != null) {
                pass("consistency", "consistency.json present but not checked: no previous checkpoint given (--previous)");
            }
            return;
        }
        SignedCheckpoint prev = checkpoint(previousNote.get(), keys, "previous checkpoint");
        if (prev == null) {
            return;
        }
        if (!prev.origin().equals(cp.origin())) {
            fail("consistency", "previous checkpoint is for another log (origin " + prev.origin() + ", bundle " + cp.origin() + ")");
            return;
        }
        if (prev.treeSize() > cp.treeSize()) {
            fail("consistency", "previous checkpoint (size " + prev.treeSize() + ") is larger than the bundle's (" + cp.treeSize() + "): the log shrank");
            return;
        }
        List<byte[]> path = new ArrayList<>();
        if (json != null) {
            try {
                JsonNode n = JSON.readTree(json);
                if (n.path("fromSize").asLong(-1) != prev.treeSize() || n.path("toSize").asLong(-1) != cp.treeSize()) {
                    fail("consistency", "consistency.json proves " + n.path("fromSize").asText() + " → " + n.path("toSize").asText()
                            + ", not " + prev.treeSize() + " → " + cp.treeSize());
                    return;
                }
                for (JsonNode h : n.path("proof")) {
                    path.add(strictBase64(h.asText()));
                }
            } catch (IOException | IllegalArgumentException e) {
                fail("consistency", "consistency.json is malformed");
                return;
            }
        } else if (prev.treeSize() != cp.treeSize() && prev.treeSize() != 0) {
            fail("consistency", "bundle has no consistency.json from tree size " + prev.treeSize());
            return;
        }
        ConsistencyProof proof = new ConsistencyProof(prev.treeSize(), cp.treeSize(), path);
        if (MerkleProofs.verifyConsistency(suite, proof, prev.rootHash(), cp.rootHash())) {
            pass("consistency", "tree of size " + prev.treeSize() + " is a prefix of the tree of size " + cp.treeSize());
        } else {
            fail("consistency", "the log of size " + cp.treeSize() + " is not an extension of the previous checkpoint (size "
                    + prev.treeSize() + "): consistency proof does not verify");
        }
    }
}
