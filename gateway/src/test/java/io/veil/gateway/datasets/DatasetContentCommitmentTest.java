package io.veil.gateway.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.crypto.Commitments;
import io.veil.crypto.Suite;
import io.veil.gateway.ledger.OutboxRelay;
import io.veil.gateway.support.ApiClient.Part;
import io.veil.gateway.support.ApiClient.Response;
import io.veil.gateway.support.Flows;
import io.veil.gateway.support.GatewayTest;
import io.veil.gateway.support.Shown;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, class 7 (keyed content digests) over HTTP: what the catalog and the ledger publish about
 * an upload is a keyed commitment, so re-hashing a guessed file confirms nothing; the owner checks its
 * upload with the opening key it got back.
 */
class DatasetContentCommitmentTest extends GatewayTest {
    @Autowired
    OutboxRelay relay;

    Response upload(String name, byte[] file) {
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        parts.put("metadata", Part.json("{\"name\":\"" + name + "\",\"columns\":"
                + "{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\",\"age_band\":\"DIMENSION\",\"income\":\"METRIC\"}}"));
        parts.put("file", Part.file(name + ".csv", "text/csv", file));
        Response r = api.multipart("/api/v1/datasets", "demo-provider", parts);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r;
    }

    /** Everything any catalog reader or auditor gets about the dataset. */
    Set<String> shownAbout(String id) {
        relay.relay();
        StringBuilder all = new StringBuilder();
        for (String who : new String[] {"demo-consumer", "demo-consumer-b", "demo-provider", "demo-auditor", "demo-admin"}) {
            all.append(api.get("/api/v1/datasets/" + id, who).text());
            all.append(api.get("/api/v1/datasets?limit=100", who).text());
        }
        all.append(Shown.trail(api, "dataset:" + id));
        return Shown.hexValues(all.toString());
    }

    @Test
    void datasetContentDigestIsNotAConfirmationOracle() {
        byte[] file = Flows.residentsCsv(42).getBytes(StandardCharsets.UTF_8);
        Response r = upload(Flows.uniqueName("oracle"), file);
        String id = r.json().get("id").asText();
        String commitment = r.json().get("contentCommitment").asText();
        Set<String> shown = shownAbout(id);
        assertThat(shown).contains(commitment);
        // The attacker's guess is exactly right, and still nothing shown confirms it: not SHA-256 or SM3 of the
        // file, nor of its normalised form or its text without the final newline.
        assertThat(Shown.plainHashIn(file, shown)).isFalse();
        assertThat(Shown.plainHashIn(new String(file, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8), shown)).isFalse();
        assertThat(Shown.plainHashIn(Suite.INTL.hash(file), shown)).isFalse();
        // The owner, with its opening key, checks that the zone committed to exactly its file (its SHA-256).
        String key = r.json().get("contentOpeningKey").asText();
        assertThat(Commitments.verify(Suite.INTL, key, Suite.INTL.hash(file), commitment)).isTrue();
        byte[] other = Flows.residentsCsv(43).getBytes(StandardCharsets.UTF_8);
        assertThat(Commitments.verify(Suite.INTL, key, Suite.INTL.hash(other), commitment)).isFalse();
        // Only the owner gets the key.
        JsonNode catalogView = api.get("/api/v1/datasets/" + id, "demo-consumer").json();
        assertThat(catalogView.toString()).doesNotContain(key).doesNotContain("OpeningKey");
        assertThat(catalogView.get("versions").get(0).get("contentCommitment").asText()).isEqualTo(commitment);
    }

    @Test
    void identicalFilesInTwoDatasetsOrVersionsGiveUnrelatedCommitments() {
        byte[] file = Flows.residentsCsv(7).getBytes(StandardCharsets.UTF_8);
        Response a = upload(Flows.uniqueName("same_a"), file);
        Response b = upload(Flows.uniqueName("same_b"), file);
        assertThat(a.json().get("contentCommitment").asText()).isNotEqualTo(b.json().get("contentCommitment").asText());
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        parts.put("file", Part.file("v2.csv", "text/csv", file));
        Response v2 = api.multipart("/api/v1/datasets/" + a.json().get("id").asText() + "/versions", "demo-provider", parts);
        assertThat(v2.status()).as(v2.text()).isEqualTo(201);
        // Re-uploading the same file does not reveal itself as "unchanged" either.
        assertThat(v2.json().get("contentCommitment").asText()).isNotEqualTo(a.json().get("contentCommitment").asText());
        assertThat(Commitments.verify(Suite.INTL, v2.json().get("contentOpeningKey").asText(), Suite.INTL.hash(file),
                v2.json().get("contentCommitment").asText())).isTrue();
    }
}
