package io.veil.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.crypto.Commitments;
import io.veil.crypto.Hex;
import io.veil.crypto.Suite;
import io.veil.gateway.ledger.OutboxRelay;
import io.veil.gateway.support.ApiClient;
import io.veil.gateway.support.Flows;
import io.veil.gateway.support.GatewayTest;
import io.veil.gateway.support.Opened;
import io.veil.gateway.support.Shown;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, class 6 over HTTP: what the API and the ledger show about a result is a keyed commitment
 * (ADR 0021), which brute force over every plausible result cannot match — while the same brute force
 * recovers the result from its plain hash at once (the attack the old digests allowed). The consumer
 * opens its own result's commitment with the key it gets with the result.
 */
class ResultCommitmentAttacksTest extends GatewayTest {
    @Autowired
    OutboxRelay relay;
    Flows flows;
    String name;
    String contract;

    @BeforeEach
    void setUp() {
        flows = new Flows(api);
        name = Flows.uniqueName("commit");
        contract = flows.agree(flows.publish(flows.offer(flows.registerResidents(name))));
    }

    JsonNode released(String sql) {
        JsonNode job = flows.run(contract, sql);
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("RELEASED");
        return job;
    }

    JsonNode result(JsonNode job) {
        ApiClient.Response r = api.get("/api/v1/jobs/" + job.get("id").asText() + "/result", "demo-consumer");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    @Test
    void countResultCannotBeRecoveredFromItsCommitment() {
        JsonNode job = released("SELECT COUNT(*) AS n FROM " + name);
        JsonNode view = result(job);
        long truth = view.get("rows").get(0).get(0).asLong();
        String template = new String(Opened.resultBytes(view), StandardCharsets.UTF_8);
        String marker = "[[" + truth + "]]";
        assertThat(template).contains(marker);
        Set<String> shown = Shown.hexValues(Shown.aboutJob(api, relay, job.get("id").asText()), Shown.trail(api, "contract:" + contract),
                view.get("resultCommitment").asText());
        assertThat(shown).contains(view.get("resultCommitment").asText(), job.get("queryCommitment").asText());

        // Every count 0..10^6 in the released form (and as a bare number), hashed as an attacker would.
        Predicate<Set<String>> bruteForce = targets -> {
            for (long n = 0; n <= 1_000_000; n++) {
                byte[] guess = template.replace(marker, "[[" + n + "]]").getBytes(StandardCharsets.UTF_8);
                if (Shown.plainHashIn(guess, targets) || Shown.plainHashIn(Long.toString(n).getBytes(StandardCharsets.UTF_8), targets)) {
                    return true;
                }
            }
            return false;
        };
        assertThat(bruteForce.test(Set.of(Hex.encode(Suite.INTL.hash(Opened.resultBytes(view))))))
                .as("control: the same search recovers the count from a plain digest").isTrue();
        assertThat(bruteForce.test(shown)).as("no value the API or the ledger shows confirms any count").isFalse();
    }

    @Test
    void smallTableCannotBeRecoveredFromItsCommitment() {
        JsonNode job = released("SELECT district, COUNT(*) AS n FROM " + name + " GROUP BY district ORDER BY district");
        JsonNode view = result(job);
        List<String> districts = new ArrayList<>();
        view.get("rows").forEach(r -> districts.add(r.get(0).asText()));
        assertThat(districts).containsExactly("east", "north", "south", "west");
        Set<String> shown = Shown.hexValues(Shown.aboutJob(api, relay, job.get("id").asText()), view.get("resultCommitment").asText());
        String types = view.get("types").toString();

        // The attacker knows the districts and that each holds 40..59 people (from the catalog): 20^4 tables.
        Predicate<Set<String>> bruteForce = targets -> {
            for (int a = 40; a < 60; a++) for (int b = 40; b < 60; b++) for (int c = 40; c < 60; c++) for (int d = 40; d < 60; d++) {
                String t = "{\"columns\":[\"district\",\"n\"],\"rows\":[[\"east\"," + a + "],[\"north\"," + b + "],[\"south\"," + c
                        + "],[\"west\"," + d + "]],\"types\":" + types + "}";
                if (Shown.plainHashIn(t.getBytes(StandardCharsets.UTF_8), targets)) return true; // already in RFC 8785 form
            }
            return false;
        };
        assertThat(bruteForce.test(Set.of(Hex.encode(Suite.INTL.hash(Opened.resultBytes(view))))))
                .as("control: the same search recovers the table from a plain digest").isTrue();
        assertThat(bruteForce.test(shown)).as("no value the API or the ledger shows confirms any table").isFalse();
    }

    @Test
    void sameResultInTwoJobsGivesUnrelatedCommitments() {
        String sql = "SELECT district, COUNT(*) AS n FROM " + name + " GROUP BY district ORDER BY district";
        JsonNode first = result(released(sql));
        JsonNode second = result(released(sql));
        assertThat(second.get("rows")).isEqualTo(first.get("rows"));
        assertThat(second.get("resultCommitment").asText()).isNotEqualTo(first.get("resultCommitment").asText());
        assertThat(second.get("queryCommitment").asText()).isNotEqualTo(first.get("queryCommitment").asText());
        assertThat(Opened.resultOpens(first)).isTrue();
        assertThat(Opened.resultOpens(second)).isTrue();
        // One job's opening key says nothing about the other's commitment, though the content is the same.
        assertThat(Commitments.verify(Suite.INTL, first.get("resultOpeningKey").asText(), Opened.resultBytes(second),
                second.get("resultCommitment").asText())).isFalse();
        int differing = Long.bitCount(Long.parseUnsignedLong(first.get("resultCommitment").asText().substring(0, 16), 16)
                ^ Long.parseUnsignedLong(second.get("resultCommitment").asText().substring(0, 16), 16));
        assertThat(differing).as("unrelated values, not a shared prefix").isBetween(8, 56);
    }

    @Test
    void consumerVerifiesItsResultAgainstTheLedger() {
        String sql = "SELECT district, AVG(income) AS avg_income FROM " + name + " GROUP BY district";
        JsonNode job = released(sql);
        String id = job.get("id").asText();
        JsonNode view = result(job);
        relay.relay();
        JsonNode trail = api.get("/api/v1/audit/trail?subject=job:" + id, "demo-auditor").json().get("events");
        JsonNode releasedEvent = null;
        JsonNode submittedEvent = null;
        for (JsonNode e : trail) {
            if (e.get("type").asText().equals("ResultReleased")) releasedEvent = e;
            if (e.get("type").asText().equals("JobSubmitted")) submittedEvent = e;
        }
        assertThat(releasedEvent).as(trail.toString()).isNotNull();
        assertThat(submittedEvent).as(trail.toString()).isNotNull();
        String onLedger = releasedEvent.get("attributes").get("resultCommitment").asText();
        assertThat(onLedger).isEqualTo(view.get("resultCommitment").asText()).isEqualTo(job.get("resultCommitment").asText());
        assertThat(releasedEvent.get("attributes").get("rowsReleased").asInt()).isEqualTo(view.get("rows").size());
        // What the consumer does: the RFC 8785 JSON of {columns, rows, types} opens the ledger's commitment ...
        String key = view.get("resultOpeningKey").asText();
        assertThat(Commitments.verify(Suite.INTL, key, Opened.resultBytes(view), onLedger)).isTrue();
        // ... and so does its SQL text the query commitment of JobSubmitted.
        assertThat(Commitments.verify(Suite.INTL, view.get("queryOpeningKey").asText(), sql.getBytes(StandardCharsets.UTF_8),
                submittedEvent.get("attributes").get("queryCommitment").asText())).isTrue();
        // A result changed in one cell does not.
        JsonNode tampered = view.deepCopy();
        ((com.fasterxml.jackson.databind.node.ArrayNode) tampered.get("rows").get(0)).set(1,
                ApiClient.JSON.getNodeFactory().numberNode(tampered.get("rows").get(0).get(1).asDouble() + 1));
        assertThat(Commitments.verify(Suite.INTL, key, Opened.resultBytes(tampered), onLedger)).isFalse();
        // Nobody else gets an opening key: the job views carry commitments only.
        assertThat(Shown.aboutJob(api, relay, id)).doesNotContain(key).doesNotContain(view.get("queryOpeningKey").asText());
    }
}
