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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real zones: a social-zone consumer gets a contract on a public-zone offer through the
 * zone-to-zone API (both ledgers record it, the agreement carries the consumer's signature made in
 * its own zone), and runs PSI_COUNT / PSI_SUM jobs against the public zone's data under it.
 */
class CrossZoneTest {
    static final String ROLES = "{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\",\"income\":\"METRIC\"}";
    static final String REMOTE_ORG = "demo-consumer-org@zone-social";
    static CrossZones zones;
    static ApiClient publicApi;
    static ApiClient socialApi;

    @BeforeAll
    static void start() throws IOException {
        zones = new CrossZones();
        publicApi = zones.publicApi();
        socialApi = zones.socialApi();
    }

    @AfterAll
    static void stop() {
        if (zones != null) zones.close();
    }

    // ---- fixtures ----

    /** Registers a dataset in a zone as its demo-provider; returns its id. */
    static String dataset(ApiClient api, String header, String roles, List<String> rows) {
        String name = "xz_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        parts.put("metadata", Part.json("{\"name\":\"" + name + "\",\"description\":\"cross-zone test\",\"tags\":[\"xz\"],\"columns\":" + roles + "}"));
        parts.put("file", Part.csv("d.csv", header + "\n" + String.join("\n", rows) + "\n"));
        Response r = api.multipart("/api/v1/datasets", "demo-provider", parts);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static String offer(ApiClient api, String datasetId, Consumer<ObjectNode> change) {
        ObjectNode o = ContractFixtures.offer(List.of(datasetId));
        o.set("jobTypes", ApiClient.JSON.valueToTree(List.of("PSI_COUNT", "PSI_SUM")));
        o.set("assignees", ApiClient.JSON.valueToTree(Map.of("orgs", List.of(REMOTE_ORG, "demo-consumer-org"),
                "zoneTiers", List.of("SOCIAL"))));
        o.put("maxJobs", 20);
        ((ObjectNode) o.get("rules")).put("minEntities", 5);
        change.accept(o);
        Response r = api.postJson("/api/v1/offers", "demo-provider", o);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static Response requestRemote(String offerId) {
        return socialApi.postJson("/api/v1/federation/contracts", "demo-consumer",
                Map.of("zone", CrossZones.PUBLIC, "offerId", offerId, "purpose", "research"));
    }

    static String agreedRemote(String offerId) {
        Response req = requestRemote(offerId);
        assertThat(req.status()).as(req.text()).isEqualTo(201);
        String id = req.json().get("id").asText();
        Response acc = publicApi.postJson("/api/v1/contracts/" + id + "/accept", "demo-provider", "");
        assertThat(acc.status()).as(acc.text()).isEqualTo(200);
        return id;
    }

    static List<String> outboxTypes(ApplicationContext zone, String id) {
        return ContractFixtures.eventTypes(zone.getBean(JdbcTemplate.class), id);
    }

    static List<LedgerEntry> onLedger(ApplicationContext zone, String subject, String id) {
        zone.getBean(OutboxRelay.class).relay();
        return zone.getBean(Ledger.class).query(LedgerQuery.subject(subject, id)).entries();
    }

    // ---- contracts ----

    @Test
    void crossZoneContractIsNegotiatedThroughTheZoneApiAndRecordedOnBothLedgers() {
        String ds = dataset(publicApi, "person_id,district,income", "{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\",\"income\":\"METRIC\"}",
                List.of("P1,a,1", "P2,b,2", "P3,a,3", "P4,b,4", "P5,a,5"));
        String offerId = offer(publicApi, ds, o -> {});
        Response req = requestRemote(offerId);
        assertThat(req.status()).as(req.text()).isEqualTo(201);
        String id = req.json().get("id").asText();
        assertThat(req.json().get("state").asText()).isEqualTo("REQUESTED");
        assertThat(req.json().get("providerZone").asText()).isEqualTo(CrossZones.PUBLIC);

        // The provider sees an ordinary requested contract whose consumer is qualified by its zone ...
        Response seen = publicApi.get("/api/v1/contracts/" + id, "demo-provider");
        assertThat(seen.status()).as(seen.text()).isEqualTo(200);
        assertThat(seen.json().get("consumerOrg").asText()).isEqualTo(REMOTE_ORG);
        assertThat(seen.json().get("state").asText()).isEqualTo("REQUESTED");
        // ... which a local organisation of the same name is not
        assertThat(publicApi.get("/api/v1/contracts/" + id, "demo-consumer").status()).isEqualTo(404);

        Response acc = publicApi.postJson("/api/v1/contracts/" + id + "/accept", "demo-provider", "");
        assertThat(acc.status()).as(acc.text()).isEqualTo(200);
        assertThat(acc.json().get("state").asText()).isEqualTo("AGREED");
        String digest = acc.json().get("agreementDigest").asText();
        Response verify = publicApi.get("/api/v1/contracts/" + id + "/verify", "demo-provider");
        assertThat(verify.json().get("valid").asBoolean()).as(verify.text()).isTrue();
        assertThat(verify.json().get("consumerSignature").get("keyIsOrgKey").asBoolean()).isTrue();

        Response mine = socialApi.get("/api/v1/federation/contracts/zone-public/" + id, "demo-consumer");
        assertThat(mine.status()).as(mine.text()).isEqualTo(200);
        assertThat(mine.json().get("state").asText()).isEqualTo("AGREED");
        assertThat(mine.json().get("agreementDigest").asText()).isEqualTo(digest);
        Response list = socialApi.get("/api/v1/federation/contracts", "demo-consumer");
        assertThat(list.json().get("items").findValuesAsText("id")).contains(id);
        assertThat(socialApi.get("/api/v1/federation/contracts", "demo-consumer-b").json().get("items").findValuesAsText("id"))
                .doesNotContain(id);

        assertThat(outboxTypes(zones.publicZone, id)).containsSubsequence("ContractRequested", "ContractAgreed");
        assertThat(outboxTypes(zones.socialZone, id)).containsSubsequence("ContractRequested", "ContractAgreed");
        List<LedgerEntry> social = onLedger(zones.socialZone, "contract", id);
        assertThat(social).extracting(e -> e.event().type().wireName()).containsExactly("ContractRequested", "ContractAgreed");
        assertThat(social.get(1).event().subjects()).containsEntry("zone", CrossZones.PUBLIC);
        assertThat(social.get(1).event().attributes()).containsEntry("agreementDigest", digest);
        assertThat(onLedger(zones.publicZone, "contract", id)).extracting(e -> e.event().type().wireName())
                .contains("ContractRequested", "ContractAgreed");
    }

    @Test
    void consumerRevokesThroughItsZoneAndBothSidesRecordIt() {
        String ds = dataset(publicApi, "person_id,district,income", ROLES, List.of("P1,a,1", "P2,b,2"));
        String id = agreedRemote(offer(publicApi, ds, o -> {}));
        Response r = socialApi.postJson("/api/v1/federation/contracts/zone-public/" + id + "/revoke", "demo-consumer", "");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("state").asText()).isEqualTo("REVOKED");
        assertThat(publicApi.get("/api/v1/contracts/" + id, "demo-provider").json().get("state").asText()).isEqualTo("REVOKED");
        assertThat(outboxTypes(zones.publicZone, id)).contains("ContractRevoked");
        assertThat(outboxTypes(zones.socialZone, id)).containsSubsequence("ContractRequested", "ContractAgreed", "ContractRevoked");
    }

    @Test
    void offerNotAdmittingTheRemoteOrganisationIsRefusedWithThePolicyCode() {
        String ds = dataset(publicApi, "person_id,district,income", ROLES, List.of("P1,a,1"));
        String offerId = offer(publicApi, ds, o -> o.set("assignees", ApiClient.JSON.valueToTree(Map.of(
                "orgs", List.of("demo-consumer-org"), "zoneTiers", List.of("SOCIAL")))));
        Response r = requestRemote(offerId);
        assertThat(r.status()).as(r.text()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("ASSIGNEE_ORG_NOT_ALLOWED");
        Response unknown = requestRemote(UUID.randomUUID().toString());
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.code()).isEqualTo("UNKNOWN_OFFER");
        Response noZone = socialApi.postJson("/api/v1/federation/contracts", "demo-consumer",
                Map.of("zone", "zone-nowhere", "offerId", offerId, "purpose", "research"));
        assertThat(noZone.status()).isEqualTo(404);
    }
}
