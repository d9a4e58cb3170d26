package io.veil.gateway.crosszone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.gateway.ledger.OutboxRelay;
import io.veil.gateway.offers.ContractFixtures;
import io.veil.gateway.support.ApiClient;
import io.veil.gateway.support.ApiClient.Part;
import io.veil.gateway.support.ApiClient.Response;
import io.veil.ledger.Ledger;
import io.veil.ledger.LedgerEntry;
import io.veil.ledger.LedgerQuery;
import org.springframework.context.ApplicationContext;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Datasets, DP offers and contracts in two zones for PSI attacks: the social-zone consumer holds a local
 * contract on a key set of its choosing (the attacker controls the consumer zone's data it runs with) and a
 * cross-zone contract on the public zone's dataset.
 */
final class PsiFixture {
    static final String ROLES = "{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\",\"income\":\"METRIC\"}";
    static final String REMOTE_ORG = "demo-consumer-org@zone-social";
    final CrossZones zones;
    final ApiClient publicApi;
    final ApiClient socialApi;

    PsiFixture(CrossZones zones) {
        this.zones = zones;
        this.publicApi = zones.publicApi();
        this.socialApi = zones.socialApi();
    }

    /** The public dataset and the consumer's contracts, ready for PSI jobs. */
    record Setup(String publicDataset, String socialDataset, String localContract, String remoteContract, String remoteOffer) {}

    /** Registers a dataset as the zone's demo-provider; returns its id. */
    static String dataset(ApiClient api, String header, String roles, List<String> rows) {
        String name = "psi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        parts.put("metadata", Part.json("{\"name\":\"" + name + "\",\"description\":\"psi test\",\"tags\":[\"psi\"],\"columns\":" + roles + "}"));
        parts.put("file", Part.csv("d.csv", header + "\n" + String.join("\n", rows) + "\n"));
        Response r = api.multipart("/api/v1/datasets", "demo-provider", parts);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    /** A PSI offer (both types) with privacy, minEntities 5, open to the consumer org locally and from the social zone. */
    static ObjectNode offer(String datasetId, double epsilonPerQuery, double epsilonBudget, List<Number> incomeBounds) {
        ObjectNode o = ContractFixtures.offer(List.of(datasetId));
        o.set("jobTypes", ApiClient.JSON.valueToTree(List.of("PSI_COUNT", "PSI_SUM")));
        o.set("assignees", ApiClient.JSON.valueToTree(Map.of("orgs", List.of(REMOTE_ORG, "demo-consumer-org"), "zoneTiers", List.of("SOCIAL"))));
        o.put("maxJobs", 200);
        ((ObjectNode) o.get("rules")).put("minEntities", 5);
        o.set("privacy", ApiClient.JSON.valueToTree(Map.of("epsilonPerQuery", epsilonPerQuery, "epsilonBudget", epsilonBudget,
                "contributionBounds", Map.of("income", incomeBounds))));
        return o;
    }

    static String publish(ApiClient api, ObjectNode offer) {
        Response r = api.postJson("/api/v1/offers", "demo-provider", offer);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    /** An AGREED local contract of demo-consumer on {@code offerId} in the social zone. */
    String localContract(String offerId) {
        Response req = socialApi.postJson("/api/v1/contracts", "demo-consumer", Map.of("offerId", offerId, "purpose", "research"));
        assertThat(req.status()).as(req.text()).isEqualTo(201);
        String id = req.json().get("id").asText();
        Response acc = socialApi.postJson("/api/v1/contracts/" + id + "/accept", "demo-provider", "");
        assertThat(acc.status()).as(acc.text()).isEqualTo(200);
        return id;
    }

    /** An AGREED cross-zone contract of demo-consumer (social zone) on the public zone's {@code offerId}. */
    String remoteContract(String offerId) {
        Response req = socialApi.postJson("/api/v1/federation/contracts", "demo-consumer",
                Map.of("zone", CrossZones.PUBLIC, "offerId", offerId, "purpose", "research"));
        assertThat(req.status()).as(req.text()).isEqualTo(201);
        String id = req.json().get("id").asText();
        Response acc = publicApi.postJson("/api/v1/contracts/" + id + "/accept", "demo-provider", "");
        assertThat(acc.status()).as(acc.text()).isEqualTo(200);
        return id;
    }

    /**
     * The public zone holds {@code publicRows} (person_id,district,income); the consumer's key set is
     * {@code socialKeys}. The local offer has a large ε (100) so that the public offer's terms set the noise.
     */
    Setup setup(List<String> publicRows, List<String> socialKeys, Consumer<ObjectNode> publicOffer) {
        String pub = dataset(publicApi, "person_id,district,income", ROLES, publicRows);
        String soc = dataset(socialApi, "person_id,district,income", ROLES, socialKeys.stream().map(k -> k + ",s,1").toList());
        String local = localContract(publish(socialApi, offer(soc, 100, 1_000_000, List.of(0, 1000))));
        ObjectNode o = offer(pub, 0.5, 5, List.of(0, 1000));
        publicOffer.accept(o);
        String offerId = publish(publicApi, o);
        return new Setup(pub, soc, local, remoteContract(offerId), offerId);
    }

    static Map<String, Object> body(Setup s, String type) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("type", type);
        b.put("localDatasetId", s.socialDataset());
        b.put("localJoinKey", "person_id");
        b.put("remoteZone", CrossZones.PUBLIC);
        b.put("remoteDatasetId", s.publicDataset());
        b.put("remoteJoinKey", "person_id");
        if (type.equals("PSI_SUM")) b.put("remoteMetric", "income");
        b.put("contractId", s.remoteContract());
        return b;
    }

    Response submit(Map<String, Object> body) {
        return socialApi.postJson("/api/v1/federation/psi-jobs", "demo-consumer", body);
    }

    /** Submits and expects RELEASED; returns the job. */
    JsonNode released(Setup s, String type) {
        Response r = submit(body(s, type));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().get("status").asText()).as(r.text()).isEqualTo("RELEASED");
        return r.json();
    }

    static List<LedgerEntry> onLedger(ApplicationContext zone, String subject, String id) {
        zone.getBean(OutboxRelay.class).relay();
        return zone.getBean(Ledger.class).query(LedgerQuery.subject(subject, id)).entries();
    }
}
