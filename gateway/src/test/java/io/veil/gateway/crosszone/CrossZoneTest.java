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
        zones.socialBean(PeerCalls.class).tap((path, body) -> TRAFFIC.add(body.clone()));
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
        // The consumer finds the offer through its own zone.
        Response offers = socialApi.get("/api/v1/federation/offers?zone=zone-public&datasetId=" + ds, "demo-consumer");
        assertThat(offers.status()).as(offers.text()).isEqualTo(200);
        assertThat(offers.json().get("items").findValuesAsText("id")).containsExactly(offerId);
        assertThat(offers.json().get("items").get(0).get("offer").get("jobTypes").toString()).contains("PSI_COUNT");
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
        // The provider zone told the consumer zone, which recorded the agreement before anyone asked it.
        assertThat(outboxTypes(zones.socialZone, id)).containsExactly("ContractRequested", "ContractAgreed");

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
    void consumerZoneCountersignsOnlyTheAgreementItRequested() {
        String ds = dataset(publicApi, "person_id,district,income", ROLES, List.of("P1,a,1"));
        Response req = requestRemote(offer(publicApi, ds, o -> {}));
        String id = req.json().get("id").asText();
        PeerCalls fromPublic = zones.publicBean(PeerCalls.class);
        // The public zone (a trusted peer) asks for a signature on a document for another purpose.
        String forged = new String(io.veil.crypto.CanonicalJson.canonicalize("{\"contractId\":\"" + id + "\",\"purpose\":\"marketing\"}"),
                java.nio.charset.StandardCharsets.UTF_8);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> fromPublic.postJson(fromPublic.peer(CrossZones.SOCIAL),
                        "/federation/v1/contracts/" + id + "/countersign", Map.of("agreement", forged)))
                .isInstanceOfSatisfying(io.veil.gateway.api.ApiException.class, e -> assertThat(e.code()).isEqualTo("AGREEMENT_MISMATCH"));
        // ... or for a contract the social zone never requested from it.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> fromPublic.postJson(fromPublic.peer(CrossZones.SOCIAL),
                        "/federation/v1/contracts/" + UUID.randomUUID() + "/countersign", Map.of("agreement", forged)))
                .isInstanceOfSatisfying(io.veil.gateway.api.ApiException.class, e -> assertThat(e.code()).isEqualTo("NOT_FOUND"));
        // The genuine accept still works afterwards.
        assertThat(publicApi.postJson("/api/v1/contracts/" + id + "/accept", "demo-provider", "").status()).isEqualTo(200);
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

    // ---- PSI jobs ----

    /** Person ids P0..P{n}: the public zone holds 0..99 with income 10*i, the social zone the keys of {@code ids}. */
    record Psi(String publicDataset, String socialDataset, String contractId, String tag) {}

    static final java.util.Set<String> RAW_KEYS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static String pid(String tag, int i) {
        return "PID" + tag + "X" + i;
    }

    /**
     * PSI needs privacy; these functional tests use ε = 100 per query on both sides, so the count noise has scale
     * 0.01 (0.02 with PSI_SUM's split): P(noise ≠ 0) < 2e^-50, and exact counts can be asserted. The attacks on
     * the mechanism, with real ε, are in PsiPrivacyTest.
     */
    static final JsonNode HIGH_EPSILON = ApiClient.JSON.valueToTree(Map.of("epsilonPerQuery", 100, "epsilonBudget", 100_000,
            "contributionBounds", Map.of("income", List.of(0, 1000))));

    /** A public dataset of 100 people, a social dataset of {@code socialIds}, a local contract on the latter and an agreed cross-zone contract. */
    static Psi psiSetup(java.util.stream.IntStream socialIds, Consumer<ObjectNode> offerChange) {
        String tag = UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        List<String> pub = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            pub.add(pid(tag, i) + ",d" + (i % 3) + "," + (10L * i));
            RAW_KEYS.add(pid(tag, i));
        }
        pub.add(",d0,7");                  // a NULL join key is dropped
        pub.add(pid(tag, 99) + ",d1,1");   // a second row of person 99: counted once, summed per person
        List<String> soc = new java.util.ArrayList<>(socialIds.mapToObj(i -> pid(tag, i) + ",s,1").toList());
        soc.add(",s,1");
        soc.stream().filter(r -> !r.startsWith(",")).forEach(r -> RAW_KEYS.add(r.substring(0, r.indexOf(','))));
        String publicDataset = dataset(publicApi, "person_id,district,income", ROLES, pub);
        String socialDataset = dataset(socialApi, "person_id,district,income", ROLES, soc);
        String localOffer = offer(socialApi, socialDataset, o -> o.set("privacy", HIGH_EPSILON));
        Response lreq = socialApi.postJson("/api/v1/contracts", "demo-consumer", Map.of("offerId", localOffer, "purpose", "research"));
        assertThat(lreq.status()).as(lreq.text()).isEqualTo(201);
        Response lacc = socialApi.postJson("/api/v1/contracts/" + lreq.json().get("id").asText() + "/accept", "demo-provider", "");
        assertThat(lacc.status()).as(lacc.text()).isEqualTo(200);
        String contractId = agreedRemote(offer(publicApi, publicDataset, o -> {
            o.set("privacy", HIGH_EPSILON);
            offerChange.accept(o);
        }));
        return new Psi(publicDataset, socialDataset, contractId, tag);
    }

    static Map<String, Object> psiBody(Psi p, String type, String remoteDataset) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("type", type);
        b.put("localDatasetId", p.socialDataset());
        b.put("localJoinKey", "person_id");
        b.put("remoteZone", CrossZones.PUBLIC);
        b.put("remoteDatasetId", remoteDataset);
        b.put("remoteJoinKey", "person_id");
        if (type.equals("PSI_SUM")) b.put("remoteMetric", "income");
        b.put("contractId", p.contractId());
        return b;
    }

    static Response submit(Map<String, Object> body) {
        return socialApi.postJson("/api/v1/federation/psi-jobs", "demo-consumer", body);
    }

    static final List<byte[]> TRAFFIC = new java.util.concurrent.CopyOnWriteArrayList<>();


    @Test
    void psiCountReleasesTheIntersectionSizeAndBothLedgersRecordTheJob() {
        Psi p = psiSetup(java.util.stream.IntStream.range(60, 160), o -> {});  // overlap 60..99 = 40
        Response r = submit(psiBody(p, "PSI_COUNT", p.publicDataset()));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().get("status").asText()).as(r.text()).isEqualTo("RELEASED");
        assertThat(r.json().get("result").get("intersectionSize").asLong()).isEqualTo(40);
        assertThat(r.json().get("result").get("suppressed").asBoolean()).isFalse();
        String id = r.json().get("id").asText();
        String remoteJob = r.json().get("remoteJobId").asText();
        Response again = socialApi.get("/api/v1/federation/psi-jobs/" + id, "demo-consumer");
        assertThat(again.json().get("result").get("intersectionSize").asLong()).isEqualTo(40);
        assertThat(socialApi.get("/api/v1/federation/psi-jobs/" + id, "demo-consumer-b").status()).isEqualTo(404);

        assertThat(outboxTypes(zones.socialZone, id)).containsSubsequence("JobSubmitted", "JobRunning", "JobExecuted", "ResultReleased");
        assertThat(outboxTypes(zones.publicZone, remoteJob)).containsSubsequence("JobSubmitted", "BudgetReserved", "JobRunning",
                "JobExecuted", "BudgetCharged", "ResultReleased").contains("UsageRecorded");
        // Both ledgers carry the responder zone's keyed commitment, on the release only; the consumer opens it with
        // the key the responder handed over (ADR 0021). The plain hash of the released aggregate appears nowhere.
        String commitment = r.json().get("resultCommitment").asText();
        String openingKey = r.json().get("resultOpeningKey").asText();
        byte[] released = io.veil.crypto.CanonicalJson.canonicalize(r.json().get("result").toString());
        assertThat(io.veil.crypto.Commitments.verify(io.veil.crypto.Suite.INTL, openingKey, released, commitment)).isTrue();
        for (var zoneAndJob : List.of(Map.entry(zones.publicZone, remoteJob), Map.entry(zones.socialZone, id))) {
            var events = onLedger(zoneAndJob.getKey(), "job", zoneAndJob.getValue());
            assertThat(events).filteredOn(e -> e.event().attributes().containsKey("resultCommitment"))
                    .singleElement().satisfies(e -> {
                        assertThat(e.event().type().wireName()).isEqualTo("ResultReleased");
                        assertThat(e.event().attributes()).containsEntry("resultCommitment", commitment);
                    });
            assertThat(events.stream().map(e -> e.event().attributes().toString()).toList().toString()).doesNotContain(io.veil.crypto.Hex.encode(io.veil.crypto.Suite.INTL.hash(released)));
        }
        // The provider and auditors of the public zone see the run and what it released.
        Response runs = publicApi.get("/api/v1/federation/psi-runs?limit=100", "demo-provider");
        assertThat(runs.status()).as(runs.text()).isEqualTo(200);
        assertThat(runs.json().findValuesAsText("id")).contains(remoteJob);
        assertThat(publicApi.get("/api/v1/federation/psi-runs?limit=100", "demo-auditor").json().findValuesAsText("id")).contains(remoteJob);
        // The capture sees this job's traffic (its session request names the dataset) — and no raw key in any of it.
        assertThat(TRAFFIC).anySatisfy(b -> assertThat(new String(b, java.nio.charset.StandardCharsets.UTF_8)).contains(p.publicDataset()));
        assertNoRawKeyCrossed();
    }

    @Test
    void psiSumReleasesTheSumOfThePublicMetricOverTheIntersection() {
        // Two rows per person kept (person 99 has two): sum scale m·B·2/ε = 2·1000·2/100 = 40, P(|noise| ≥ 1600) < e^-40.
        Psi p = psiSetup(java.util.stream.IntStream.range(50, 120), o -> ((ObjectNode) o.get("rules")).put("maxRowsPerEntity", 2));
        Response r = submit(psiBody(p, "PSI_SUM", p.publicDataset()));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().get("status").asText()).as(r.text()).isEqualTo("RELEASED");
        long expected = 0;
        for (int i = 50; i < 100; i++) expected += 10L * i;
        expected += 1; // person 99's second row
        assertThat(Math.abs(r.json().get("result").get("sum").asLong() - expected)).isLessThan(1600);
        assertThat(r.json().get("result").get("intersectionSize").asLong()).isEqualTo(50); // scale 0.04
        assertThat(r.json().get("result").get("noiseScales").get("sum").asDouble()).isEqualTo(40.0);
        assertNoRawKeyCrossed();
    }

    @Test
    void underDifferentialPrivacyTheCountIsNoisedAndEpsilonIsCharged() {
        Psi p = psiSetup(java.util.stream.IntStream.range(60, 160), o -> o.set("privacy", ApiClient.JSON.valueToTree(Map.of(
                "epsilonPerQuery", 0.5, "epsilonBudget", 1.0, "contributionBounds", Map.of("income", List.of(0, 1000))))));
        io.veil.policy.BudgetStore budgets = zones.publicBean(io.veil.policy.BudgetStore.class);
        assertThat(budgets.balance(io.veil.policy.BudgetKey.contract(p.contractId())).committed()).isZero();
        Response r = submit(psiBody(p, "PSI_COUNT", p.publicDataset()));
        assertThat(r.json().get("status").asText()).as(r.text()).isEqualTo("RELEASED");
        JsonNode result = r.json().get("result");
        assertThat(result.get("differentialPrivacy").asBoolean()).isTrue();
        assertThat(result.get("microEpsilon").asLong()).isEqualTo(500_000);
        assertThat(result.get("intersectionSize").isIntegralNumber()).isTrue();
        assertThat(budgets.balance(io.veil.policy.BudgetKey.contract(p.contractId())).committed()).isEqualTo(500_000);
        // Budget 1.0 at 0.5 per run: a second run is allowed, a third refused before any data is touched.
        assertThat(submit(psiBody(p, "PSI_SUM", p.publicDataset())).json().get("status").asText()).isEqualTo("RELEASED");
        Response third = submit(psiBody(p, "PSI_COUNT", p.publicDataset()));
        assertThat(third.json().get("status").asText()).as(third.text()).isEqualTo("REJECTED");
        assertThat(third.json().get("reasons").findValuesAsText("code")).containsExactly("BUDGET_EXHAUSTED");
        assertThat(budgets.balance(io.veil.policy.BudgetKey.contract(p.contractId())).committed()).isEqualTo(1_000_000);
    }

    @Test
    void aPsiJobInterruptedByARestartIsFailedAndItsQuotaRefunded() {
        String ds = dataset(publicApi, "person_id,district,income", ROLES, List.of("P1,a,1"));
        String contractId = agreedRemote(offer(publicApi, ds, o -> {}));
        io.veil.policy.BudgetStore budgets = zones.publicBean(io.veil.policy.BudgetStore.class);
        String jobId = UUID.randomUUID().toString();
        java.time.Instant now = java.time.Instant.now();
        zones.publicBean(PsiJobStore.class).insert(new PsiJobStore.PsiJob(jobId, "RESPONDER", CrossZones.SOCIAL, null, REMOTE_ORG,
                contractId, "PSI_COUNT", "{}", io.veil.gateway.jobs.JobStatus.RUNNING, List.of(), null, null, null, now, now));
        assertThat(budgets.reserve(List.of(io.veil.policy.BudgetKey.contractJobs(contractId)), 1, jobId).isOk()).isTrue();
        assertThat(budgets.balance(io.veil.policy.BudgetKey.contractJobs(contractId)).reserved()).isEqualTo(1);

        zones.publicBean(PsiRecovery.class).recover(); // what the node runs at start

        PsiJobStore.PsiJob j = zones.publicBean(PsiJobStore.class).find(jobId).orElseThrow();
        assertThat(j.status()).isEqualTo(io.veil.gateway.jobs.JobStatus.FAILED);
        assertThat(j.reasons()).extracting(io.veil.gateway.jobs.Job.Reason::code).containsExactly("NODE_RESTARTED");
        assertThat(budgets.balance(io.veil.policy.BudgetKey.contractJobs(contractId)).reserved()).isZero();
        assertThat(outboxTypes(zones.publicZone, jobId)).contains("JobFailed", "BudgetRefunded");
    }

    @Test
    void tooSmallIntersectionIsSuppressed() {
        // overlap 97..99 = 3 < minEntities 5; at ε = 100 the noisy count is 3 but for probability < 2e^-50
        Psi p = psiSetup(java.util.stream.IntStream.range(97, 110), o -> {});
        Response r = submit(psiBody(p, "PSI_COUNT", p.publicDataset()));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().get("status").asText()).as(r.text()).isEqualTo("RELEASED");
        assertThat(r.json().get("result").get("suppressed").asBoolean()).isTrue();
        assertThat(r.json().get("result").get("intersectionSize").isNull()).isTrue();
        Response sum = submit(psiBody(p, "PSI_SUM", p.publicDataset()));
        assertThat(sum.json().get("result").get("suppressed").asBoolean()).as(sum.text()).isTrue();
        assertThat(sum.json().get("result").get("sum").isNull()).isTrue();
    }

    @Test
    void psiJobsWithoutContractOnAnotherDatasetOrUnderARevokedContractAreRefused() {
        Psi p = psiSetup(java.util.stream.IntStream.range(60, 100), o -> o.set("jobTypes", ApiClient.JSON.valueToTree(List.of("PSI_COUNT"))));
        Map<String, Object> noContract = psiBody(p, "PSI_COUNT", p.publicDataset());
        noContract.put("contractId", UUID.randomUUID().toString());
        Response none = submit(noContract);
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.code()).isEqualTo("NOT_FOUND");

        String other = dataset(publicApi, "person_id,district,income", ROLES, List.of("Q1,a,1", "Q2,a,2"));
        Response wrong = submit(psiBody(p, "PSI_COUNT", other));
        assertThat(wrong.status()).as(wrong.text()).isEqualTo(201);
        assertThat(wrong.json().get("status").asText()).isEqualTo("REJECTED");
        assertThat(wrong.json().get("reasons").findValuesAsText("code")).containsExactly("DATASET_NOT_IN_CONTRACT");

        Response notAllowed = submit(psiBody(p, "PSI_SUM", p.publicDataset()));
        assertThat(notAllowed.json().get("status").asText()).as(notAllowed.text()).isEqualTo("REJECTED");
        assertThat(notAllowed.json().get("reasons").findValuesAsText("code")).containsExactly("JOB_TYPE_NOT_ALLOWED");

        Response revoke = publicApi.postJson("/api/v1/contracts/" + p.contractId() + "/revoke", "demo-provider", "");
        assertThat(revoke.status()).as(revoke.text()).isEqualTo(200);
        assertThat(outboxTypes(zones.socialZone, p.contractId())).endsWith("ContractRevoked");
        Response revoked = submit(psiBody(p, "PSI_COUNT", p.publicDataset()));
        assertThat(revoked.status()).as(revoked.text()).isEqualTo(409);
        assertThat(revoked.code()).isEqualTo("CONTRACT_NOT_AGREED");
        // The provider zone decides for itself, whatever the consumer zone believes.
        PeerCalls calls = zones.socialBean(PeerCalls.class);
        Map<String, Object> open = new LinkedHashMap<>();
        open.put("jobType", "PSI_COUNT");
        open.put("contractId", p.contractId());
        open.put("consumerOrg", "demo-consumer-org");
        open.put("datasetId", p.publicDataset());
        open.put("joinKey", "person_id");
        open.put("initiatorJobId", UUID.randomUUID().toString());
        open.put("sessionId", java.util.Base64.getEncoder().encodeToString(new byte[16]));
        open.put("suite", "INTL");
        open.put("initiatorPrivacy", Map.of("microEpsilon", 1_000_000, "maxRowsPerEntity", 1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> calls.postJson(calls.peer(CrossZones.PUBLIC), "/federation/v1/psi/sessions", open))
                .isInstanceOfSatisfying(io.veil.gateway.api.ApiException.class, e -> assertThat(e.code()).isEqualTo("CONTRACT_NOT_AGREED"));
    }

    @Test
    void localDatasetWithoutALocalContractIsRefused() {
        Psi p = psiSetup(java.util.stream.IntStream.range(60, 100), o -> {});
        String unshared = dataset(socialApi, "person_id,district,income", ROLES, List.of("Z1,a,1"));
        Map<String, Object> b = psiBody(p, "PSI_COUNT", p.publicDataset());
        b.put("localDatasetId", unshared);
        Response r = submit(b);
        assertThat(r.status()).as(r.text()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("LOCAL_DATASET_NOT_COVERED");
    }

    /** No message between the zones carries a raw join key (the capture sees every request and response body). */
    static void assertNoRawKeyCrossed() {
        assertThat(TRAFFIC).isNotEmpty();
        for (byte[] body : TRAFFIC) {
            String text = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1);
            for (String k : RAW_KEYS) assertThat(text).doesNotContain(k);
        }
    }
}
