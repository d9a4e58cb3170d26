package io.veil.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.gateway.support.ApiClient;
import io.veil.gateway.support.Flows;
import io.veil.gateway.support.ZoneNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, class 5 under DP: success or failure is not a bit outside the mechanism. A zone whose
 * sandbox memory limit (1 MB) stops every run stands in for any run that a resource limit or a crash ends:
 * a threshold-only job FAILS with the cause, while a job under a DP contract is RELEASED as the empty
 * answer, in the shape of a success, charged quota and ε exactly as a success is.
 */
class DpFailureReleaseTest {
    static ZoneNetwork net;
    static ApiClient api;
    static Flows flows;
    static String dataset;
    static String name;

    @BeforeAll
    static void start() throws Exception {
        net = new ZoneNetwork("dp-failure-test");
        ZoneNetwork.Zone z = net.zone("zone-dp", "PUBLIC");
        Map<String, Object> config = net.config(z, List.of());
        config.put("veil.sandbox.memory-mb", 1); // DuckDB cannot even build a hash table in 1 MB
        config.put("veil.sandbox.warm-workers", 0);
        net.start(config);
        api = new ApiClient(z.port());
        flows = new Flows(api);
        name = Flows.uniqueName("res");
        StringBuilder csv = new StringBuilder("person_id,district,age_band,income\n");
        for (int i = 0; i < 50_000; i++) {
            csv.append('P').append(i).append(',').append("d").append(i % 13).append(',').append(i % 2 == 0 ? "18-40" : "41+")
               .append(',').append(2000 + i % 8000).append('\n');
        }
        java.util.LinkedHashMap<String, ApiClient.Part> parts = new java.util.LinkedHashMap<>();
        parts.put("metadata", ApiClient.Part.json("{\"name\":\"" + name + "\",\"description\":\"big\",\"columns\":"
                + "{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\",\"age_band\":\"DIMENSION\",\"income\":\"METRIC\"}}"));
        parts.put("file", ApiClient.Part.csv(name + ".csv", csv.toString()));
        ApiClient.Response r = api.multipart("/api/v1/datasets", "demo-provider", parts);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        dataset = r.json().get("id").asText();
    }

    @AfterAll
    static void stop() {
        if (net != null) net.close();
    }

    @Test
    void thresholdOnlyRunThatFailsIsReportedAsFailed() {
        JsonNode job = flows.run(flows.agree(flows.publish(flows.offer(dataset))), "SELECT district, COUNT(*) AS n FROM " + name + " GROUP BY district");
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("FAILED");
    }

    @Test
    void dpRunThatFailsIsReleasedLikeASuccess() {
        ObjectNode offer = flows.offer(dataset);
        Flows.withPrivacy(offer, 1.0, 10.0);
        String contract = flows.agree(flows.publish(offer));
        JsonNode job = flows.run(contract, "SELECT district, COUNT(*) AS n, AVG(income) AS a FROM " + name + " GROUP BY district");
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("RELEASED");
        assertThat(job.get("reasons")).isEmpty();
        JsonNode result = api.get("/api/v1/jobs/" + job.get("id").asText() + "/result", "demo-consumer").json();
        assertThat(result.get("columns").toString()).isEqualTo("[\"district\",\"n\",\"a\"]");
        assertThat(result.get("types").toString()).isEqualTo("[\"VARCHAR\",\"BIGINT\",\"DOUBLE\"]");
        assertThat(result.get("rows")).isEmpty();
        JsonNode usage = job.get("usage").get(0);
        assertThat(usage.get("microEpsilon").asLong()).isEqualTo(1_000_000L);
    }
}
