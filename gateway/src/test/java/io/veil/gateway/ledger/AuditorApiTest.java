package io.veil.gateway.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.crypto.Hex;
import io.veil.crypto.Suite;
import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.support.ApiClient.Response;
import io.veil.gateway.support.Flows;
import io.veil.gateway.support.GatewayTest;
import io.veil.ledger.ConsistencyProof;
import io.veil.ledger.InclusionProof;
import io.veil.ledger.MerkleProofs;
import io.veil.ledger.SignedCheckpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The auditor's view over HTTP: everything it gets verifies against the zone key and the checkpoint alone. */
class AuditorApiTest extends GatewayTest {
    @Autowired
    OutboxRelay relay;
    @Autowired
    ZoneKeyStore keys;

    String dataset;
    String contract;

    @BeforeEach
    void flow() {
        Flows flows = new Flows(api);
        dataset = flows.registerResidents(Flows.uniqueName("aud"));
        contract = flows.agree(flows.publish(flows.offer(dataset)));
        relay.relay();
    }

    Suite suite() {
        return props.zone().suite();
    }

    JsonNode checkpoint() {
        Response r = api.get("/api/v1/ledger/checkpoint", "demo-auditor");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    @Test
    void checkpointIsSignedByTheZoneAndMatchesItsNote() {
        JsonNode c = checkpoint();
        SignedCheckpoint note = SignedCheckpoint.parse(c.get("note").asText());
        assertThat(note.verifiedBy(keys.zoneSigningKey().verifyingKey())).isTrue();
        assertThat(note.treeSize()).isEqualTo(c.get("treeSize").asLong()).isPositive();
        assertThat(Hex.encode(note.rootHash())).isEqualTo(c.get("rootHash").asText());
        assertThat(note.origin()).isEqualTo("veil/" + props.zone().id());
    }

    @Test
    void everyEventOfASubjectHasAnInclusionProofAgainstTheSignedRoot() {
        JsonNode c = checkpoint();
        long size = c.get("treeSize").asLong();
        byte[] root = Hex.decode(c.get("rootHash").asText());
        JsonNode events = api.get("/api/v1/ledger/events?subject=contract:" + contract, "demo-auditor").json().get("events");
        assertThat(events.size()).isGreaterThanOrEqualTo(2);
        List<String> types = new ArrayList<>();
        for (JsonNode e : events) {
            types.add(e.get("type").asText());
            assertThat(e.get("subjects").get("contract").asText()).isEqualTo(contract);
            long seq = e.get("seq").asLong();
            JsonNode p = api.get("/api/v1/ledger/events/" + seq + "/proof?treeSize=" + size, "demo-auditor").json();
            byte[] leaf = MerkleProofs.leafHash(suite(), java.util.Base64.getDecoder().decode(e.get("entry").asText()));
            assertThat(Hex.encode(leaf)).isEqualTo(p.get("leafHash").asText());
            List<byte[]> path = new ArrayList<>();
            p.get("auditPath").forEach(h -> path.add(Hex.decode(h.asText())));
            InclusionProof proof = new InclusionProof(seq, size, path);
            assertThat(MerkleProofs.verifyInclusion(suite(), proof, leaf, root)).isTrue();
            byte[] wrong = root.clone();
            wrong[0] ^= 1;
            assertThat(MerkleProofs.verifyInclusion(suite(), proof, leaf, wrong)).isFalse();
        }
        assertThat(types).containsSubsequence("ContractRequested", "ContractAgreed");
    }

    @Test
    void laterCheckpointIsConsistentWithAnEarlierOne() {
        JsonNode older = checkpoint();
        new Flows(api).registerResidents(Flows.uniqueName("aud2"));
        relay.relay();
        JsonNode newer = checkpoint();
        long m = older.get("treeSize").asLong();
        long n = newer.get("treeSize").asLong();
        assertThat(n).isGreaterThan(m);
        JsonNode p = api.get("/api/v1/ledger/consistency?from=" + m + "&to=" + n, "demo-auditor").json();
        List<byte[]> path = new ArrayList<>();
        p.get("path").forEach(h -> path.add(Hex.decode(h.asText())));
        assertThat(MerkleProofs.verifyConsistency(suite(), new ConsistencyProof(m, n, path),
                Hex.decode(older.get("rootHash").asText()), Hex.decode(newer.get("rootHash").asText()))).isTrue();
    }

    @Test
    void trailIsOrderedAndReadable() {
        JsonNode trail = api.get("/api/v1/audit/trail?subject=dataset:" + dataset, "demo-auditor").json();
        JsonNode events = trail.get("events");
        assertThat(events.get(0).get("type").asText()).isEqualTo("DatasetRegistered");
        long last = -1;
        for (JsonNode e : events) {
            assertThat(e.get("seq").asLong()).isGreaterThan(last);
            last = e.get("seq").asLong();
            assertThat(e.get("summary").asText()).startsWith(e.get("type").asText() + ": ").contains(dataset);
        }
        // role-qualified subjects are found by their base kind: the provider's org sees its contract events
        JsonNode byOrg = api.get("/api/v1/audit/trail?subject=org:demo-consumer-org&type=ContractAgreed", "demo-auditor").json();
        assertThat(byOrg.get("events").toString()).contains(contract);
    }

    @Test
    void exportedBundleVerifiesOfflineAndATamperedOneDoesNot() throws Exception {
        Response r = api.get("/api/v1/audit/export?subject=contract:" + contract, "demo-auditor");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/zip");
        java.nio.file.Path zip = java.nio.file.Files.createTempFile("bundle", ".zip");
        java.nio.file.Files.write(zip, r.body());
        // The auditor takes the zone key from the API (and would compare it with one published out of band).
        var published = io.veil.ledger.audit.KeyFiles.parseKeyList(api.get("/api/v1/ledger/keys", "demo-auditor").body());
        assertThat(published).hasSize(1);
        assertThat(published.get(0).key().encoded()).isEqualTo(keys.zoneSigningKey().verifyingKey().encoded());
        var trusted = published.stream().map(io.veil.ledger.ZonePublicKey::key).toList();
        var report = io.veil.ledger.audit.BundleVerifier.verify(zip, trusted, java.util.Optional.empty());
        assertThat(report.passed()).as(report.toString()).isTrue();
        assertThat(report.checks().size()).isGreaterThan(2);

        // The same bundle checked against another zone's key: the checkpoint signature fails.
        var other = io.veil.crypto.SigningKey.generate(suite()).verifyingKey();
        assertThat(io.veil.ledger.audit.BundleVerifier.verify(zip, List.of(other), java.util.Optional.empty()).passed()).isFalse();

        // Edit one event line inside the bundle: its inclusion proof or signature must fail.
        java.nio.file.Path tampered = java.nio.file.Files.createTempFile("tampered", ".zip");
        try (var in = new java.util.zip.ZipInputStream(java.nio.file.Files.newInputStream(zip));
             var out = new java.util.zip.ZipOutputStream(java.nio.file.Files.newOutputStream(tampered))) {
            java.util.zip.ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                byte[] content = in.readAllBytes();
                if (e.getName().equals("events.jsonl")) {
                    String text = new String(content, java.nio.charset.StandardCharsets.UTF_8);
                    String[] lines = text.split("\n", -1);
                    JsonNode line = io.veil.gateway.support.ApiClient.JSON.readTree(lines[0]);
                    byte[] entry = java.util.Base64.getDecoder().decode(line.get("entry").asText());
                    entry[entry.length / 2] ^= 1;
                    ((com.fasterxml.jackson.databind.node.ObjectNode) line).put("entry", java.util.Base64.getEncoder().encodeToString(entry));
                    lines[0] = line.toString();
                    content = String.join("\n", lines).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                out.write(content);
                out.closeEntry();
            }
        }
        var bad = io.veil.ledger.audit.BundleVerifier.verify(tampered, trusted, java.util.Optional.empty());
        assertThat(bad.passed()).isFalse();
        assertThat(bad.failures()).isNotEmpty();
    }

    @Test
    void badParametersGetStableProblemCodes() {
        assertThat(api.get("/api/v1/ledger/events?subject=nocolon", "demo-auditor").code()).isEqualTo("INVALID_PARAMETER");
        assertThat(api.get("/api/v1/ledger/events?subject=planet:x", "demo-auditor").code()).isEqualTo("INVALID_PARAMETER");
        assertThat(api.get("/api/v1/ledger/events?type=NoSuchEvent", "demo-auditor").code()).isEqualTo("INVALID_PARAMETER");
        assertThat(api.get("/api/v1/ledger/events?from=yesterday", "demo-auditor").code()).isEqualTo("INVALID_PARAMETER");
        assertThat(api.get("/api/v1/ledger/events?limit=100000", "demo-auditor").code()).isEqualTo("INVALID_PARAMETER");
        assertThat(api.get("/api/v1/ledger/events/999999999/proof", "demo-auditor").code()).isEqualTo("LEDGER_OUT_OF_RANGE");
        assertThat(api.get("/api/v1/ledger/consistency?from=5&to=2", "demo-auditor").code()).isEqualTo("LEDGER_OUT_OF_RANGE");
        assertThat(api.get("/api/v1/ledger/events/999999999", "demo-auditor").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/audit/trail", "demo-auditor").status()).isEqualTo(400);
    }
}
