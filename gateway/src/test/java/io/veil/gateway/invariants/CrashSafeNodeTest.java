package io.veil.gateway.invariants;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.gateway.ingest.RamSpool;
import io.veil.gateway.support.ApiClient;
import io.veil.gateway.support.NodeProcess;
import io.veil.gateway.support.ApiClient.Part;
import io.veil.gateway.support.Flows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariant 7 (DESIGN.md), for real: the node is a separate JVM that is SIGKILLed while a job runs
 * in its sandbox, then restarted on the same data directory. Committed data is all there, the
 * interrupted job is FAILED (NODE_RESTARTED) with no result ever released, its budget reservation is
 * refunded, and every committed state change still reaches the ledger.
 */
class CrashSafeNodeTest {
    @TempDir
    Path dataDir;
    Process node;
    int port;

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.destroyForcibly().waitFor();
        RamSpool.open(RamSpool.SHM, dataDir).close(); // the killed node's RAM namespace
    }

    void start() throws Exception {
        node = NodeProcess.start(dataDir, port, "768m");
    }

    static String bigResidents(int rows) {
        Random r = new Random(7);
        StringBuilder sb = new StringBuilder("person_id,district,age_band,income\n");
        String[] districts = {"north", "south", "east", "west"};
        for (int i = 0; i < rows; i++) {
            sb.append('P').append(i).append(',').append(districts[i % 4]).append(',').append(i % 2 == 0 ? "18-40" : "41+")
              .append(',').append(1000 + r.nextInt(9000)).append('\n');
        }
        return sb.toString();
    }

    @Test
    void aNodeKilledMidJobRestartsWithCommittedDataAndNeverReleasesTheInterruptedJob() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        start();
        ApiClient api = new ApiClient(port);
        Flows flows = new Flows(api);
        String name = Flows.uniqueName("crash");
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        parts.put("metadata", Part.json("{\"name\":\"" + name + "\",\"columns\":{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\","
                + "\"age_band\":\"DIMENSION\",\"income\":\"METRIC\"}}"));
        parts.put("file", Part.csv(name + ".csv", bigResidents(400_000)));
        var reg = api.multipart("/api/v1/datasets", "demo-provider", parts);
        assertThat(reg.status()).as(reg.text()).isEqualTo(201);
        String dataset = reg.json().get("id").asText();
        var offer = flows.offer(dataset);
        Flows.withPrivacy(offer, 1.0, 5.0);
        String contract = flows.agree(flows.publish(offer));
        String sql = "SELECT district, COUNT(*) AS n, SUM(income) AS total FROM " + name + " GROUP BY district";

        // Submit until one is observed RUNNING (the sandbox worker is up), then SIGKILL the node.
        String killed = null;
        for (int attempt = 0; attempt < 5 && killed == null; attempt++) {
            String job = flows.submit(contract, sql).json().get("id").asText();
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                String status = api.get("/api/v1/jobs/" + job, "demo-consumer").json().get("status").asText();
                if (status.equals("RUNNING")) {
                    node.destroyForcibly().waitFor();
                    killed = job;
                    break;
                }
                if (List.of("RELEASED", "REJECTED", "FAILED", "CANCELLED").contains(status)) break;
                Thread.sleep(15);
            }
        }
        assertThat(killed).as("never caught a job while RUNNING").isNotNull();

        start();
        ApiClient after = new ApiClient(port);
        assertThat(after.get("/api/v1/datasets/" + dataset, "demo-consumer").status()).isEqualTo(200);
        JsonNode job = new Flows(after).awaitJob(killed);
        assertThat(job.get("status").asText()).isEqualTo("FAILED");
        assertThat(job.get("reasons").toString()).contains("NODE_RESTARTED");
        assertThat(after.get("/api/v1/jobs/" + killed + "/result", "demo-consumer").status()).isIn(404, 409);

        // The refunded reservation leaves the budget for the remaining jobs: 5.0 ε minus what released jobs spent.
        JsonNode next = new Flows(after).run(contract, sql);
        assertThat(next.get("status").asText()).as(next.toString()).isEqualTo("RELEASED");

        // Every committed change is on the ledger, including the interrupted job's story.
        long deadline = System.currentTimeMillis() + 30_000;
        String trail = "";
        while (System.currentTimeMillis() < deadline) {
            trail = after.get("/api/v1/audit/trail?subject=job:" + killed, "demo-auditor").text();
            if (trail.contains("JobFailed")) break;
            Thread.sleep(200);
        }
        assertThat(trail).contains("JobSubmitted").contains("JobRunning").contains("JobFailed").doesNotContain("ResultReleased");
        assertThat(after.get("/api/v1/audit/trail?subject=dataset:" + dataset, "demo-auditor").text()).contains("DatasetRegistered");
    }
}
