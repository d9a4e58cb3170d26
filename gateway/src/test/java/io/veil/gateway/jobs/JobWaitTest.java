package io.veil.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.gateway.support.ApiClient.Response;
import io.veil.gateway.support.Flows;
import io.veil.gateway.support.GatewayTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/v1/jobs/{id}?waitSeconds=N}: one request that answers when the job has settled, instead of a polling loop. */
class JobWaitTest extends GatewayTest {
    Flows flows;
    String name;
    String dataset;
    String contract;

    @BeforeEach
    void setUp() {
        flows = new Flows(api);
        name = Flows.uniqueName("wait");
        dataset = flows.registerResidents(name);
        contract = flows.agree(flows.publish(flows.offer(dataset)));
    }

    String submit(String sql) {
        Response r = flows.submit(contract, sql);
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("status").asText()).isEqualTo("SUBMITTED");
        return r.json().get("id").asText();
    }

    @Test
    void oneWaitingRequestAnswersWithTheReleasedJob() {
        String id = submit("SELECT district, COUNT(*) AS n FROM " + name + " GROUP BY district");
        JsonNode job = api.get("/api/v1/jobs/" + id + "?waitSeconds=30", "demo-consumer").json();
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("RELEASED");
        assertThat(api.get("/api/v1/jobs/" + id + "/result", "demo-consumer").status()).isEqualTo(200);
    }

    @Test
    void aRejectedJobEndsTheWaitToo() {
        String id = submit("SELECT person_id, COUNT(*) FROM " + name + " GROUP BY person_id");
        JsonNode job = api.get("/api/v1/jobs/" + id + "?waitSeconds=30", "demo-consumer").json();
        assertThat(job.get("status").asText()).isEqualTo("REJECTED");
    }

    @Test
    void theWaitEndsWhereTheProviderMustApprove() {
        ObjectNode offer = flows.offer(dataset);
        offer.put("approval", "PROVIDER_APPROVES_JOB");
        contract = flows.agree(flows.publish(offer));
        String id = submit("SELECT district, COUNT(*) AS n FROM " + name + " GROUP BY district");
        long t0 = System.nanoTime();
        JsonNode job = api.get("/api/v1/jobs/" + id + "?waitSeconds=30", "demo-consumer").json();
        assertThat(job.get("status").asText()).isEqualTo("AWAITING_APPROVAL");
        assertThat((System.nanoTime() - t0) / 1e9).as("answered when the job stopped, not at the timeout").isLessThan(25);
    }

    @Test
    void concurrentWaitersAllGetTheOutcome() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) ids.add(submit("SELECT district, COUNT(*) AS n FROM " + name + " GROUP BY district"));
        List<CompletableFuture<String>> waits = new ArrayList<>();
        for (String id : ids) {
            for (int w = 0; w < 4; w++) {
                waits.add(CompletableFuture.supplyAsync(() ->
                        api.get("/api/v1/jobs/" + id + "?waitSeconds=30", "demo-consumer").json().get("status").asText()));
            }
        }
        assertThat(waits.stream().map(CompletableFuture::join).toList()).hasSize(12).containsOnly("RELEASED");
    }

    @Test
    void waitSecondsOutsideZeroToThirtyIsABadRequest() {
        String id = submit("SELECT COUNT(*) AS n FROM " + name);
        for (String bad : List.of("-1", "31", "100000")) {
            Response r = api.get("/api/v1/jobs/" + id + "?waitSeconds=" + bad, "demo-consumer");
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.code()).isEqualTo("WAIT_INVALID");
        }
        Response notANumber = api.get("/api/v1/jobs/" + id + "?waitSeconds=soon", "demo-consumer");
        assertThat(notANumber.status()).isEqualTo(400);
        assertThat(notANumber.code()).isEqualTo("INVALID_PARAMETER");
    }

    @Test
    void anotherOrganisationCannotWaitOnAJob() {
        String id = submit("SELECT COUNT(*) AS n FROM " + name);
        Response r = api.get("/api/v1/jobs/" + id + "?waitSeconds=5", "demo-consumer-b");
        assertThat(r.status()).isEqualTo(404);
    }
}
