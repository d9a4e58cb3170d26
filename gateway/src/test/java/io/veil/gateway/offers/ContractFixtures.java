package io.veil.gateway.offers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.gateway.support.ApiClient;
import io.veil.gateway.support.ApiClient.Part;
import io.veil.gateway.support.ApiClient.Response;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Datasets, offers and contracts over the real API, for the offers, contracts and metering tests. */
public final class ContractFixtures {
    public static final String CONSUMER_ORG = "demo-consumer-org";
    public static final String PROVIDER_ORG = "demo-provider-org";
    private final ApiClient api;

    public ContractFixtures(ApiClient api) {
        this.api = api;
    }

    /** Registers a small CSV dataset (person_id ENTITY_ID, district DIMENSION, income METRIC) as demo-provider. */
    public String dataset() {
        String name = "ds_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String meta = "{\"name\":\"" + name + "\",\"description\":\"d\",\"tags\":[\"t1\"],\"license\":\"CC-BY\",\"columns\":"
                + "{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\",\"income\":\"METRIC\"}}";
        StringBuilder csv = new StringBuilder("person_id,district,income\n");
        for (int i = 0; i < 30; i++) csv.append("P").append(i).append(",d").append(i % 3).append(',').append(1000 + i).append('\n');
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        parts.put("metadata", Part.json(meta));
        parts.put("file", Part.csv("x.csv", csv.toString()));
        Response r = api.multipart("/api/v1/datasets", "demo-provider", parts);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    /** A valid offer document over the datasets, open to demo-consumer-org, valid 2020–2099, PER_JOB 10.00 CNY. */
    public static ObjectNode offer(List<String> datasetIds) {
        try {
            ObjectNode o = (ObjectNode) ApiClient.JSON.readTree("""
                    {"purposes":["research","credit-risk"],
                     "assignees":{"orgs":["demo-consumer-org"],"zoneTiers":["PUBLIC","SOCIAL"]},
                     "validFrom":"2020-01-01T00:00:00Z","validUntil":"2099-01-01T00:00:00+08:00",
                     "maxJobs":3,"jobTypes":["SQL"],
                     "rules":{"minEntities":10,"aggregates":{"income":["SUM","COUNT"],"*":["COUNT"]},
                              "dimensions":["district"],"joinKeys":["person_id"],"maxOutputRows":1000},
                     "privacy":{"epsilonPerQuery":0.5,"epsilonBudget":5.0,"contributionBounds":{"income":[0,100000]}},
                     "approval":"AUTO","price":{"model":"PER_JOB","amount":"10.00","currency":"CNY"}}""");
            o.set("datasetIds", ApiClient.JSON.valueToTree(datasetIds));
            return o;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String publish(JsonNode offer) {
        Response r = api.postJson("/api/v1/offers", "demo-provider", offer);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    /** A published offer over a fresh dataset, adjusted by {@code change}. */
    public String offer(Consumer<ObjectNode> change) {
        ObjectNode o = offer(List.of(dataset()));
        change.accept(o);
        return publish(o);
    }

    public String request(String offerId, String client) {
        Response r = api.postJson("/api/v1/contracts", client, "{\"offerId\":\"" + offerId + "\",\"purpose\":\"research\"}");
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    public String requested() {
        return request(offer(o -> {}), "demo-consumer");
    }

    public String agreed(String offerId) {
        String id = request(offerId, "demo-consumer");
        Response r = api.postJson("/api/v1/contracts/" + id + "/accept", "demo-provider", "");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return id;
    }

    public String agreed() {
        return agreed(offer(o -> {}));
    }

    /** Event types in the ledger outbox that name this id (as subject or attribute), in commit order. */
    public static List<String> eventTypes(JdbcTemplate jdbc, String id) {
        return jdbc.queryForList("SELECT event_json FROM ledger_outbox WHERE event_json LIKE ? ORDER BY seq", String.class, "%" + id + "%")
                .stream().map(ContractFixtures::type).toList();
    }

    private static String type(String json) {
        try {
            return ApiClient.JSON.readTree(json).get("type").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static Instant in(long seconds) {
        return Instant.now().plusSeconds(seconds);
    }
}
