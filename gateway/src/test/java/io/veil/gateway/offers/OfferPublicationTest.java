package io.veil.gateway.offers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.crypto.CanonicalJson;
import io.veil.crypto.Suite;
import io.veil.gateway.support.ApiClient.Response;
import io.veil.gateway.support.GatewayTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class OfferPublicationTest extends GatewayTest {
    ContractFixtures fx;

    @BeforeEach
    void fixtures() {
        fx = new ContractFixtures(api);
    }

    long offers() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM offers", Long.class);
    }

    long outbox() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM ledger_outbox", Long.class);
    }

    Response refused(JsonNode offer, int status, String code) {
        long offersBefore = offers(), outboxBefore = outbox();
        Response r = api.postJson("/api/v1/offers", "demo-provider", offer);
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.code()).isEqualTo(code);
        assertThat(offers()).as("a refused offer leaves nothing behind").isEqualTo(offersBefore);
        assertThat(outbox()).isEqualTo(outboxBefore);
        return r;
    }

    @Test
    void providerPublishesOfferOverOwnDatasetWithNormalisedTermsAndCanonicalDigest() {
        String ds = fx.dataset();
        Response r = api.postJson("/api/v1/offers", "demo-provider", ContractFixtures.offer(List.of(ds)));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        String id = r.json().get("id").asText();
        JsonNode terms = r.json().get("terms");
        assertThat(terms.get("validUntil").asText()).as("normalised to UTC").isEqualTo("2098-12-31T16:00:00Z");
        assertThat(terms.at("/rules/allowLimit").asBoolean(true)).as("defaults written out").isFalse();
        String expected = HexFormat.of().formatHex(Suite.INTL.hash(CanonicalJson.canonicalize(terms.toString())));
        assertThat(r.json().get("digest").asText()).isEqualTo(expected);
        assertThat(r.json().get("providerOrg").asText()).isEqualTo(ContractFixtures.PROVIDER_ORG);

        Response got = api.get("/api/v1/offers/" + id, "demo-consumer-b");
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.json().get("terms")).isEqualTo(terms);
        Response listed = api.get("/api/v1/offers?datasetId=" + ds, "demo-auditor");
        assertThat(listed.json().get("total").asLong()).isEqualTo(1);
        assertThat(listed.json().at("/items/0/id").asText()).isEqualTo(id);
        assertThat(ContractFixtures.eventTypes(jdbc, id)).containsExactly("OfferPublished");
    }

    @Test
    void offerWithAnUnknownRuleIsRefusedWithOfferUnknownField() {
        ObjectNode o = ContractFixtures.offer(List.of(fx.dataset()));
        ((ObjectNode) o.get("rules")).put("maxRows", 5);
        Response r = refused(o, 400, "OFFER_UNKNOWN_FIELD");
        assertThat(r.json().at("/violations/0/path").asText()).isEqualTo("rules.maxRows");
        assertThat(r.json().at("/violations/0/code").asText()).isEqualTo("OFFER_UNKNOWN_FIELD");
    }

    @Test
    void allViolationsAreReportedAtOnce() {
        ObjectNode o = ContractFixtures.offer(List.of(fx.dataset()));
        o.put("maxJobs", 0);
        o.put("approval", "SOMETIMES");
        Response r = refused(o, 400, "OFFER_NUMBER_OUT_OF_RANGE");
        assertThat(r.json().get("violations")).hasSize(2);
    }

    @Test
    void offerMakingAnEntityIdColumnADimensionIsRefused() {
        ObjectNode o = ContractFixtures.offer(List.of(fx.dataset()));
        ((ObjectNode) o.get("rules")).putArray("dimensions").add("district").add("person_id");
        Response r = refused(o, 422, "OFFER_ROLE_CONFLICT");
        assertThat(r.json().at("/violations/0/path").asText()).isEqualTo("rules.dimensions");
    }

    @Test
    void offerForAnotherOrganisationsDatasetIsRefused() {
        String foreign = UUID.randomUUID().toString();
        jdbc.update("INSERT INTO datasets(id,name,description,tags_json,license,owner_org,zone_id,zone_tier,roles_json,"
                        + "current_version,created_at,search_text) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                foreign, "foreign-" + foreign, "d", "[]", "CC-BY", "someone-else-org", "zone-local", "PUBLIC",
                "{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\",\"income\":\"METRIC\"}", 1, Timestamp.from(Instant.now()), "x");
        refused(ContractFixtures.offer(List.of(fx.dataset(), foreign)), 403, "NOT_DATASET_OWNER");
    }

    @Test
    void offerForAnUnknownDatasetIsRefused() {
        refused(ContractFixtures.offer(List.of(UUID.randomUUID().toString())), 422, "OFFER_UNKNOWN_DATASET");
    }

    @Test
    void malformedOfferIsRefusedWithoutEchoingIt() {
        Response r = api.postJson("/api/v1/offers", "demo-provider", "{\"datasetIds\": [\"ZQXJ-SECRET\"");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("OFFER_MALFORMED_JSON");
        assertThat(r.text()).doesNotContain("ZQXJ-SECRET");
    }

    @Test
    void onlyProvidersPublish() {
        Response r = api.postJson("/api/v1/offers", "demo-consumer", ContractFixtures.offer(List.of(fx.dataset())));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("FORBIDDEN");
    }

    @Test
    void unknownOfferIs404AndBadPagingIs400() {
        assertThat(api.get("/api/v1/offers/" + UUID.randomUUID(), "demo-consumer").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/offers/not-an-id", "demo-consumer").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/offers?limit=1000", "demo-consumer").code()).isEqualTo("INVALID_PAGE");
    }
}
