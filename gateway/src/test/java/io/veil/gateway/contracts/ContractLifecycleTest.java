package io.veil.gateway.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.crypto.Suite;
import io.veil.crypto.VerifyingKey;
import io.veil.gateway.offers.ContractFixtures;
import io.veil.gateway.support.ApiClient.Response;
import io.veil.gateway.support.GatewayTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ContractLifecycleTest extends GatewayTest {
    ContractFixtures fx;

    @BeforeEach
    void fixtures() {
        fx = new ContractFixtures(api);
    }

    Response post(String path, String client) {
        return api.postJson(path, client, "");
    }

    long budgetTotal(String kind, String id) {
        return jdbc.queryForObject("SELECT total_micro FROM budgets WHERE kind = ? AND id = ?", Long.class, kind, id);
    }

    @Test
    void consumerRequestsProviderAcceptsAndBothSignaturesVerify() {
        String offerId = fx.offer(o -> {});
        Response req = api.postJson("/api/v1/contracts", "demo-consumer", "{\"offerId\":\"" + offerId + "\",\"purpose\":\"research\"}");
        assertThat(req.status()).as(req.text()).isEqualTo(201);
        assertThat(req.json().get("state").asText()).isEqualTo("REQUESTED");
        String id = req.json().get("id").asText();

        Response acc = post("/api/v1/contracts/" + id + "/accept", "demo-provider");
        assertThat(acc.status()).as(acc.text()).isEqualTo(200);
        assertThat(acc.json().get("state").asText()).isEqualTo("AGREED");

        JsonNode agreement = api.get("/api/v1/contracts/" + id + "/agreement", "demo-consumer").json();
        byte[] signed = agreement.get("agreement").asText().getBytes(StandardCharsets.UTF_8);
        assertThat(agreement.get("agreement").asText()).contains("\"contractId\":\"" + id + "\"").doesNotContain("AGREED");
        for (String party : new String[]{"providerSignature", "consumerSignature"}) {
            VerifyingKey k = VerifyingKey.decode(Suite.INTL, Base64.getDecoder().decode(agreement.at("/" + party + "/publicKey").asText()));
            assertThat(k.verify(signed, Base64.getDecoder().decode(agreement.at("/" + party + "/signature").asText())))
                    .as("offline verification of " + party).isTrue();
        }
        JsonNode verify = api.get("/api/v1/contracts/" + id + "/verify", "demo-auditor").json();
        assertThat(verify.get("valid").asBoolean()).isTrue();
        assertThat(verify.at("/providerSignature/valid").asBoolean()).isTrue();
        assertThat(verify.at("/consumerSignature/valid").asBoolean()).isTrue();
        assertThat(verify.at("/providerSignature/org").asText()).isEqualTo(ContractFixtures.PROVIDER_ORG);
        assertThat(verify.get("agreementDigest").asText()).isEqualTo(agreement.get("agreementDigest").asText())
                .isEqualTo(acc.json().get("agreementDigest").asText());

        assertThat(budgetTotal("contract-jobs", id)).isEqualTo(3);
        assertThat(budgetTotal("contract", id)).isEqualTo(5_000_000);
    }

    @Test
    void tamperedStoredAgreementMakesVerifyReportInvalid() {
        String id = fx.agreed();
        assertThat(api.get("/api/v1/contracts/" + id + "/verify", "demo-consumer").json().get("valid").asBoolean()).isTrue();
        jdbc.update("UPDATE contracts SET agreement_json = REPLACE(agreement_json, '\"maxJobs\":3', '\"maxJobs\":3000') WHERE id = ?", id);
        JsonNode v = api.get("/api/v1/contracts/" + id + "/verify", "demo-consumer").json();
        assertThat(v.get("valid").asBoolean()).isFalse();
        assertThat(v.at("/providerSignature/signatureValid").asBoolean()).isFalse();
        assertThat(v.at("/consumerSignature/signatureValid").asBoolean()).isFalse();
    }

    @Test
    void anotherContractsValidAgreementCopiedIntoTheRowIsInvalid() {
        String a = fx.agreed();
        String b = fx.agreed();
        var row = jdbc.queryForMap("SELECT agreement_json, provider_key, provider_sig, consumer_key, consumer_sig FROM contracts WHERE id = ?", a);
        jdbc.update("UPDATE contracts SET agreement_json = ?, provider_key = ?, provider_sig = ?, consumer_key = ?, consumer_sig = ? WHERE id = ?",
                row.get("agreement_json"), row.get("provider_key"), row.get("provider_sig"), row.get("consumer_key"), row.get("consumer_sig"), b);
        JsonNode v = api.get("/api/v1/contracts/" + b + "/verify", "demo-consumer").json();
        assertThat(v.at("/providerSignature/signatureValid").asBoolean()).as("the signature itself is genuine").isTrue();
        assertThat(v.get("documentMatchesContract").asBoolean()).isFalse();
        assertThat(v.get("valid").asBoolean()).isFalse();
    }

    @Test
    void anotherConsumerCannotSeeOrUseTheContract() {
        String id = fx.agreed();
        for (String path : new String[]{"", "/agreement", "/verify"}) {
            Response r = api.get("/api/v1/contracts/" + id + path, "demo-consumer-b");
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.text()).doesNotContain(ContractFixtures.CONSUMER_ORG);
        }
        assertThat(post("/api/v1/contracts/" + id + "/revoke", "demo-consumer-b").status()).isEqualTo(404);
        assertThat(post("/api/v1/contracts/" + id + "/accept", "demo-consumer-b").status()).isEqualTo(403);
        assertThat(api.get("/api/v1/contracts?limit=100", "demo-consumer-b").text()).doesNotContain(id);
        assertThat(api.get("/api/v1/contracts/" + id, "demo-admin").status()).isEqualTo(200);
        assertThat(api.get("/api/v1/contracts/" + id, "demo-auditor").status()).isEqualTo(200);
    }

    @Test
    void aConsumerOutsideTheAssigneesCannotRequest() {
        String offerId = fx.offer(o -> {});
        Response r = api.postJson("/api/v1/contracts", "demo-consumer-b", "{\"offerId\":\"" + offerId + "\",\"purpose\":\"research\"}");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("ASSIGNEE_ORG_NOT_ALLOWED");
        assertThat(r.json().at("/reasons/0/code").asText()).isEqualTo("ASSIGNEE_ORG_NOT_ALLOWED");
    }

    @Test
    void illegalTransitionsAreRefused() {
        String id = fx.requested();
        assertThat(post("/api/v1/contracts/" + id + "/revoke", "demo-consumer").code()).as("revoke before agreement")
                .isEqualTo("CONTRACT_ILLEGAL_TRANSITION");
        Response consumerAccepts = post("/api/v1/contracts/" + id + "/accept", "demo-consumer");
        assertThat(consumerAccepts.status()).isEqualTo(403);
        assertThat(post("/api/v1/contracts/" + id + "/accept", "demo-provider").status()).isEqualTo(200);
        Response twice = post("/api/v1/contracts/" + id + "/accept", "demo-provider");
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.code()).isEqualTo("CONTRACT_ILLEGAL_TRANSITION");
        assertThat(post("/api/v1/contracts/" + id + "/reject", "demo-provider").code()).isEqualTo("CONTRACT_ILLEGAL_TRANSITION");
        assertThat(post("/api/v1/contracts/" + id + "/revoke", "demo-consumer-b").status()).as("stranger").isEqualTo(404);
        Response revoked = post("/api/v1/contracts/" + id + "/revoke", "demo-consumer");
        assertThat(revoked.json().get("state").asText()).isEqualTo("REVOKED");
        assertThat(post("/api/v1/contracts/" + id + "/revoke", "demo-provider").code()).as("terminal").isEqualTo("CONTRACT_ILLEGAL_TRANSITION");
        assertThat(api.get("/api/v1/contracts/" + id + "/verify", "demo-provider").json().get("valid").asBoolean())
                .as("the signed agreement outlives the revocation").isTrue();
    }

    @Test
    void everyTransitionLeavesExactlyOneOutboxRowOfTheRightType() {
        String agreed = fx.requested();
        post("/api/v1/contracts/" + agreed + "/accept", "demo-provider");
        post("/api/v1/contracts/" + agreed + "/accept", "demo-provider");
        post("/api/v1/contracts/" + agreed + "/revoke", "demo-provider");
        post("/api/v1/contracts/" + agreed + "/revoke", "demo-consumer");
        assertThat(ContractFixtures.eventTypes(jdbc, agreed)).containsExactly("ContractRequested", "ContractAgreed", "ContractRevoked");

        String rejected = fx.requested();
        post("/api/v1/contracts/" + rejected + "/reject", "demo-provider");
        post("/api/v1/contracts/" + rejected + "/accept", "demo-provider");
        assertThat(ContractFixtures.eventTypes(jdbc, rejected)).containsExactly("ContractRequested", "ContractRejected");

        String agreedDigest = api.get("/api/v1/contracts/" + agreed, "demo-auditor").json().get("agreementDigest").asText();
        String event = jdbc.queryForObject("SELECT event_json FROM ledger_outbox WHERE event_json LIKE ? AND event_json LIKE '%ContractAgreed%'",
                String.class, "%" + agreed + "%");
        assertThat(event).contains(agreedDigest).contains(ContractFixtures.CONSUMER_ORG).contains(ContractFixtures.PROVIDER_ORG);
    }

    @Test
    void anAgreedContractExpiresOnReadWhenItsOfferEnds() throws Exception {
        var offer = ContractFixtures.offer(java.util.List.of(fx.dataset()));
        java.time.Instant until = ContractFixtures.in(5);
        offer.put("validUntil", until.toString());
        String id = fx.agreed(fx.publish(offer));
        assertThat(api.get("/api/v1/contracts/" + id, "demo-consumer").json().get("state").asText()).isEqualTo("AGREED");
        Thread.sleep(Math.max(0, until.toEpochMilli() - System.currentTimeMillis()) + 200);
        assertThat(api.get("/api/v1/contracts/" + id, "demo-consumer").json().get("state").asText()).isEqualTo("EXPIRED");
        assertThat(api.get("/api/v1/contracts/" + id, "demo-provider").json().get("state").asText()).isEqualTo("EXPIRED");
        assertThat(post("/api/v1/contracts/" + id + "/revoke", "demo-consumer").code()).isEqualTo("CONTRACT_ILLEGAL_TRANSITION");
        assertThat(ContractFixtures.eventTypes(jdbc, id)).containsExactly("ContractRequested", "ContractAgreed", "ContractExpired");
    }

    @Test
    void anExpiredOfferCannotBeRequested() {
        String offerId = fx.offer(o -> o.put("validUntil", ContractFixtures.in(-60).toString()));
        Response r = api.postJson("/api/v1/contracts", "demo-consumer", "{\"offerId\":\"" + offerId + "\",\"purpose\":\"research\"}");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("OFFER_EXPIRED");
    }

    @Test
    void requestBodyIsStrict() {
        String offerId = fx.offer(o -> {});
        String ok = "\"offerId\":\"" + offerId + "\"";
        assertThat(requestCode("{" + ok + ",\"purpose\":\"research\",\"validUntil\":\"2100-01-01T00:00:00Z\"}")).isEqualTo("UNKNOWN_FIELD");
        assertThat(requestCode("{" + ok + "}")).isEqualTo("MISSING_FIELD");
        assertThat(requestCode("{" + ok + ",\"purpose\":7}")).isEqualTo("WRONG_TYPE");
        assertThat(requestCode("{" + ok + ",\"purpose\":null}")).isEqualTo("WRONG_TYPE");
        assertThat(requestCode("{" + ok + ",\"purpose\":\"research\",\"purpose\":\"x\"}")).isEqualTo("MALFORMED_JSON");
        assertThat(requestCode("{" + ok + ",\"purpose\":\"research\"} {}")).isEqualTo("MALFORMED_JSON");
        assertThat(requestCode("[]")).isEqualTo("WRONG_TYPE");
        Response unknownOffer = api.postJson("/api/v1/contracts", "demo-consumer",
                "{\"offerId\":\"" + UUID.randomUUID() + "\",\"purpose\":\"research\"}");
        assertThat(unknownOffer.status()).isEqualTo(422);
        assertThat(unknownOffer.code()).isEqualTo("UNKNOWN_OFFER");
        Response purpose = api.postJson("/api/v1/contracts", "demo-consumer", "{" + ok + ",\"purpose\":\"ZQXJ-marketing\"}");
        assertThat(purpose.code()).isEqualTo("PURPOSE_NOT_ALLOWED");
        assertThat(purpose.text()).doesNotContain("ZQXJ");
    }

    String requestCode(String body) {
        Response r = api.postJson("/api/v1/contracts", "demo-consumer", body);
        assertThat(r.status()).as(body).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        return r.code();
    }

    @Test
    void listsShowOwnContractsFilteredByStateAndOversightSeesAll() {
        String agreed = fx.agreed();
        String requested = fx.requested();
        JsonNode mine = api.get("/api/v1/contracts?state=AGREED&limit=100", "demo-consumer").json();
        assertThat(mine.get("items").findValuesAsText("id")).contains(agreed).doesNotContain(requested);
        assertThat(mine.get("items").findValuesAsText("state")).containsOnly("AGREED");
        assertThat(api.get("/api/v1/contracts?state=REQUESTED&limit=100", "demo-provider").json().get("items")
                .findValuesAsText("id")).contains(requested);
        assertThat(api.get("/api/v1/contracts?limit=100", "demo-auditor").json().get("items").findValuesAsText("id"))
                .contains(agreed, requested);
        assertThat(api.get("/api/v1/contracts?state=agreed", "demo-consumer").code()).isEqualTo("INVALID_PARAMETER");
        assertThat(api.get("/api/v1/contracts/" + requested + "/verify", "demo-consumer").code()).isEqualTo("CONTRACT_NOT_AGREED");
    }
}
