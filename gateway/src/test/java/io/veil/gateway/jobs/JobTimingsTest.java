package io.veil.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.veil.gateway.support.Flows;
import io.veil.gateway.support.GatewayTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link JobTimings}: where a job's time goes, served to zone admins as metrics, without ids or values. */
class JobTimingsTest extends GatewayTest {
    static final String SQL = "SELECT district, COUNT(*) AS n FROM %s GROUP BY district";
    @Autowired
    MeterRegistry meters;
    Flows flows;
    String name;
    String dataset;

    @BeforeEach
    void setUp() throws InterruptedException {
        flows = new Flows(api);
        name = Flows.uniqueName("timed");
        dataset = flows.registerResidents(name);
        awaitNoJobInFlight();
    }

    /**
     * The context is shared: a job another test class submitted without waiting for it could be released
     * while a test here compares counters. Start once no job is on its way through the pipeline (jobs
     * waiting for a person stay put); after 60 s start anyway and let the assertions decide.
     */
    void awaitNoJobInFlight() throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            Integer inFlight = jdbc.queryForObject("SELECT COUNT(*) FROM jobs WHERE status IN ('SUBMITTED', 'ANALYSED', 'RUNNING')",
                    Integer.class);
            if (inFlight != null && inFlight == 0) return;
            Thread.sleep(100);
        }
    }

    /** COUNT and TOTAL_TIME of a timer as {@code /actuator/metrics} serves it to the zone admin. */
    double[] served(String metric, String tag) {
        JsonNode m = api.get("/actuator/metrics/" + metric + "?tag=" + tag, "demo-admin").json();
        double count = 0;
        double total = 0;
        for (JsonNode x : m.get("measurements")) {
            if (x.get("statistic").asText().equals("COUNT")) count = x.get("value").asDouble();
            if (x.get("statistic").asText().equals("TOTAL_TIME")) total = x.get("value").asDouble();
        }
        return new double[]{count, total};
    }

    @Test
    void aReleasedJobIsTimedEndToEndAndByWorkerPhase() {
        double[] latency = served("veil.job.latency", "path:auto");
        double[] wall = served("veil.job.worker", "phase:wall");
        double[] query = served("veil.job.worker", "phase:query");
        String contract = flows.agree(flows.publish(flows.offer(dataset)));
        assertThat(flows.run(contract, SQL.formatted(name)).get("status").asText()).isEqualTo("RELEASED");

        double[] latencyAfter = served("veil.job.latency", "path:auto");
        double[] wallAfter = served("veil.job.worker", "phase:wall");
        assertThat(latencyAfter[0]).isEqualTo(latency[0] + 1);
        assertThat(wallAfter[0]).isEqualTo(wall[0] + 1);
        assertThat(served("veil.job.worker", "phase:query")[0]).isEqualTo(query[0] + 1);
        // The node's submit → released time contains the sandbox run it waited for.
        assertThat(latencyAfter[1] - latency[1]).isGreaterThan(0).isGreaterThanOrEqualTo(wallAfter[1] - wall[1]);
    }

    @Test
    void aJobThatWaitedForTheProviderIsTimedApart() {
        ObjectNode offer = flows.offer(dataset);
        offer.put("approval", "PROVIDER_APPROVES_JOB");
        String contract = flows.agree(flows.publish(offer));
        double auto = served("veil.job.latency", "path:auto")[0];
        double resumed = served("veil.job.latency", "path:resumed")[0];
        String job = flows.submit(contract, SQL.formatted(name)).json().get("id").asText();
        flows.awaitJob(job, "AWAITING_APPROVAL");
        assertThat(api.request("POST", "/api/v1/jobs/" + job + "/approve", "demo-provider", "application/json", null).status()).isEqualTo(200);
        assertThat(flows.awaitJob(job).get("status").asText()).isEqualTo("RELEASED");
        assertThat(served("veil.job.latency", "path:resumed")[0]).isEqualTo(resumed + 1);
        assertThat(served("veil.job.latency", "path:auto")[0]).isEqualTo(auto);
    }

    @Test
    void aRejectedJobIsNotTimedAsReleased() {
        String contract = flows.agree(flows.publish(flows.offer(dataset)));
        double auto = served("veil.job.latency", "path:auto")[0];
        assertThat(flows.run(contract, "SELECT * FROM " + name).get("status").asText()).isEqualTo("REJECTED");
        assertThat(served("veil.job.latency", "path:auto")[0]).isEqualTo(auto);
    }

    @Test
    void onlyTheZoneAdminReadsTheTimings() {
        for (String client : List.of("demo-consumer", "demo-provider")) {
            assertThat(api.get("/actuator/metrics/veil.job.latency", client).status()).isEqualTo(403);
        }
        assertThat(api.get("/actuator/metrics/veil.job.latency", "demo-admin").status()).isEqualTo(200);
    }

    @Test
    void timersCarryNoIdsOnlyAFixedSetOfTags() {
        String contract = flows.agree(flows.publish(flows.offer(dataset)));
        flows.run(contract, SQL.formatted(name));
        List<Meter> timed = meters.getMeters().stream().filter(m -> m.getId().getName().startsWith("veil.job.")).toList();
        assertThat(timed).hasSize(7);
        for (Meter m : timed) {
            for (Tag t : m.getId().getTags()) {
                assertThat(t.getKey()).isIn("path", "phase");
                assertThat(t.getValue()).isIn(Set.of("auto", "resumed", "wall", "start", "decrypt_load", "query", "enforce"));
            }
        }
    }
}
