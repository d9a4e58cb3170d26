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
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
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
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

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
        try {
            ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
            put(zip, CHECKPOINT, cp.note().getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry(EVENTS));
            for (long seq : seqs) {
                LedgerEntry e = ledger.read(seq).orElseThrow(() -> new IllegalStateException("ledger has no entry " + seq));
                InclusionProof p = ledger.inclusionProof(seq, n).orElseThrow();
                ObjectNode line = NODES.objectNode();
                line.put("seq", seq);
                line.put("entry", Base64.getEncoder().encodeToString(e.entryBytes()));
                line.set("proof", hashes(p.path()));
                zip.write(CanonicalJson.canonicalize(line));
                zip.write('\n');
            }
            zip.closeEntry();
            ObjectNode manifest = NODES.objectNode();
            manifest.put("treeSize", n);
            ArrayNode listed = manifest.putArray("seqs");
            seqs.forEach(listed::add);
            put(zip, MANIFEST, CanonicalJson.canonicalize(manifest));
            ArrayNode keyList = NODES.arrayNode();
            for (ZonePublicKey k : keys) {
                keyList.add(keyJson(k));
            }
            put(zip, KEYS, CanonicalJson.canonicalize(keyList));
            if (previousTreeSize >= 0) {
                ConsistencyProof c = ledger.consistencyProof(previousTreeSize, n).orElseThrow();
                ObjectNode node = NODES.objectNode();
                node.put("fromSize", c.fromSize());
                node.put("toSize", c.toSize());
                node.set("proof", hashes(c.path()));
                put(zip, CONSISTENCY, CanonicalJson.canonicalize(node));
            }
            zip.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write audit bundle", e);
        }
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

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }
}
