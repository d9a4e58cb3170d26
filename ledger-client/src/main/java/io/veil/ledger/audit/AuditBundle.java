package io.veil.ledger.audit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.crypto.CanonicalJson;
import io.veil.ledger.ConsistencyProof;
import io.veil.ledger.InclusionProof;
import io.veil.ledger.Ledger;
import io.veil.ledger.LedgerEntry;
import io.veil.ledger.SignedCheckpoint;
import io.veil.ledger.ZonePublicKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * An offline audit bundle: a zip that {@link BundleVerifier} (and {@code veil-audit verify}) checks
 * without contacting the zone.
 * <ul>
 * <li>{@code checkpoint.note} — the ledger's signed checkpoint (tree size N, root).
 * <li>{@code events.jsonl} — one canonical JSON object per selected entry:
 *     {@code {"entry":base64 stored entry bytes,"proof":[base64 hashes, leaf side first],"seq":n}},
 *     the proof being the RFC 9162 inclusion proof of {@code seq} in the tree of size N.
 * <li>{@code keys.json} — the zone public keys: {@code [{"keyId","spki" (base64 DER),"suite","zone"}]}.
 * <li>{@code manifest.json} — {@code {"seqs":[…],"treeSize":N}}: which entries the bundle was cut
 *     with, so a line removed from events.jsonl is noticed. It is not signed: it catches loss and
 *     naive edits, not an exporter that leaves entries out on purpose (see docs/ledger.md).
 * <li>{@code consistency.json} (optional) — {@code {"fromSize":M,"proof":[…],"toSize":N}}, proving
 *     that a checkpoint of size M the auditor already holds is a prefix of this one.
 * </ul>
 */
public final class AuditBundle {
    static final String CHECKPOINT = "checkpoint.note";
    static final String EVENTS = "events.jsonl";
    static final String KEYS = "keys.json";
    static final String CONSISTENCY = "consistency.json";
    static final String MANIFEST = "manifest.json";
    /** Parts in the order the exporter writes them. */
    static final List<String> ORDER = List.of(CHECKPOINT, EVENTS, MANIFEST, KEYS, CONSISTENCY);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final LocalDateTime FIXED_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private AuditBundle() {}

    /** Writes a bundle of entries {@code seqs} with proofs against the ledger's current checkpoint. */
    public static void write(OutputStream out, Ledger ledger, List<Long> seqs, List<ZonePublicKey> keys) {
        write(out, ledger, seqs, keys, -1);
    }

    /**
     * As {@link #write(OutputStream, Ledger, List, List)}, plus {@code consistency.json} from
     * {@code previousTreeSize} (an earlier checkpoint's size the auditor holds; -1 for none).
     *
     * @throws IllegalArgumentException if a seq or the previous size is beyond the checkpoint
     */
    public static void write(OutputStream out, Ledger ledger, List<Long> seqs, List<ZonePublicKey> keys, long previousTreeSize) {
        SignedCheckpoint cp = ledger.checkpoint();
        long n = cp.treeSize();
        for (long seq : seqs) {
            if (seq < 0 || seq >= n) {
                throw new IllegalArgumentException("seq " + seq + " is not covered by the checkpoint (tree size " + n + ")");
            }
        }
        if (previousTreeSize > n) {
            throw new IllegalArgumentException("previous tree size " + previousTreeSize + " is beyond the checkpoint (" + n + ")");
        }
        Map<String, byte[]> parts = new LinkedHashMap<>();
        parts.put(CHECKPOINT, cp.note().getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream events = new ByteArrayOutputStream();
        for (long seq : seqs) {
            LedgerEntry e = ledger.read(seq).orElseThrow(() -> new IllegalStateException("ledger has no entry " + seq));
            InclusionProof p = ledger.inclusionProof(seq, n).orElseThrow();
            ObjectNode line = NODES.objectNode();
            line.put("seq", seq);
            line.put("entry", Base64.getEncoder().encodeToString(e.entryBytes()));
            line.set("proof", hashes(p.path()));
            events.writeBytes(CanonicalJson.canonicalize(line));
            events.write('\n');
        }
        parts.put(EVENTS, events.toByteArray());
        ObjectNode manifest = NODES.objectNode();
        manifest.put("treeSize", n);
        ArrayNode listed = manifest.putArray("seqs");
        seqs.forEach(listed::add);
        parts.put(MANIFEST, CanonicalJson.canonicalize(manifest));
        ArrayNode keyList = NODES.arrayNode();
        keys.forEach(k -> keyList.add(keyJson(k)));
        parts.put(KEYS, CanonicalJson.canonicalize(keyList));
        if (previousTreeSize >= 0) {
            ConsistencyProof c = ledger.consistencyProof(previousTreeSize, n).orElseThrow();
            ObjectNode node = NODES.objectNode();
            node.put("fromSize", c.fromSize());
            node.put("toSize", c.toSize());
            node.set("proof", hashes(c.path()));
            parts.put(CONSISTENCY, CanonicalJson.canonicalize(node));
        }
        try {
            out.write(zip(parts));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write audit bundle", e);
        }
    }

    /**
     * The one byte-exact zip of these parts, in the order given: STORED (no compression, so no
     * dependence on a zlib version), fixed timestamps. The verifier rebuilds it and compares, so a
     * change anywhere in the file — also outside the checked parts — is noticed.
     */
    static byte[] zip(Map<String, byte[]> parts) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(buf, StandardCharsets.UTF_8)) {
            for (Map.Entry<String, byte[]> p : parts.entrySet()) {
                ZipEntry e = new ZipEntry(p.getKey());
                e.setMethod(ZipEntry.STORED);
                e.setSize(p.getValue().length);
                e.setCompressedSize(p.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(p.getValue());
                e.setCrc(crc.getValue());
                e.setTimeLocal(FIXED_TIME);
                zip.putNextEntry(e);
                zip.write(p.getValue());
                zip.closeEntry();
            }
        }
        return buf.toByteArray();
    }

    static ObjectNode keyJson(ZonePublicKey k) {
        ObjectNode n = NODES.objectNode();
        n.put("zone", k.zone());
        n.put("suite", k.suite().name());
        n.put("keyId", k.keyId());
        n.put("spki", Base64.getEncoder().encodeToString(k.key().encoded()));
        return n;
    }

    private static ArrayNode hashes(List<byte[]> path) {
        ArrayNode a = NODES.arrayNode();
        path.forEach(h -> a.add(Base64.getEncoder().encodeToString(h)));
        return a;
    }

}
