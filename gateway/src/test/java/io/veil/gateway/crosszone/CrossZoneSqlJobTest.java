package io.veil.gateway.crosszone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.gateway.federation.CatalogSync;
import io.veil.gateway.offers.ContractFixtures;
import io.veil.gateway.support.Leaks;
import io.veil.gateway.support.ApiClient;
import io.veil.gateway.support.ApiClient.Part;
import io.veil.gateway.support.ApiClient.Response;
import io.veil.ledger.LedgerEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real zones, real bubblewrap workers: a social-zone consumer with a local contract on a bank's
 * customers and a cross-zone contract on the public zone's residents runs one aggregate-then-combine
 * job. The public zone runs its part under its own rules, the social zone its own, the combine runs
 * in a sandbox worker here; the released result equals a plaintext reference with groups suppressed
 * on either side absent; no row-level value crosses; both ledgers carry the trail.
 */
class CrossZoneSqlJobTest {
    static final String PUBLIC_ROLES = "{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\",\"contribution\":\"METRIC\"}";
    static final String SOCIAL_ROLES = "{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\",\"loan_amount\":\"METRIC\"}";
    static final String REMOTE_ORG = "demo-consumer-org@zone-social";
    /** people per district in each zone; below minEntities 5 a group is suppressed by its own zone. */
    static final Map<String, Integer> PUBLIC_SIZES = new TreeMap<>(Map.of("d0", 20, "d1", 12, "d2", 3, "d3", 8, "d4", 6));
    static final Map<String, Integer> SOCIAL_SIZES = new TreeMap<>(Map.of("d0", 10, "d1", 4, "d2", 9, "d3", 7, "d5", 6));
    static CrossZones zones;
    static ApiClient publicApi;
    static ApiClient socialApi;
    static final List<byte[]> TRAFFIC = new CopyOnWriteArrayList<>();
    static final List<String> PATHS = new CopyOnWriteArrayList<>();
    /** Every row-level value of the test data: person ids and raw metric values. */
    static final Set<String> RAW = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() throws IOException {
        zones = new CrossZones();
        publicApi = zones.publicApi();
        socialApi = zones.socialApi();
        zones.socialBean(PeerCalls.class).tap((path, body) -> {
            TRAFFIC.add(body.clone());
            PATHS.add(path);
        });
    }

    @AfterAll
    static void stop() {
        if (zones != null) zones.close();
    }

    record Setup(String tag, String publicName, String publicDataset, String socialName, String socialDataset, String localContract,
                 String remoteContract) {}

    static long contribution(String tag, int person) {
        return 700_001L + 1_013L * person + (tag.hashCode() & 0x3f);
    }

    static long loan(int person) {
        return 50_003L + 977L * person;
    }

    static String dataset(ApiClient api, String name, String header, String roles, List<String> rows) {
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        parts.put("metadata", Part.json("{\"name\":\"" + name + "\",\"description\":\"cross-zone sql test\",\"tags\":[\"xz\"],\"columns\":" + roles + "}"));
        parts.put("file", Part.csv("d.csv", header + "\n" + String.join("\n", rows) + "\n"));
        Response r = api.multipart("/api/v1/datasets", "demo-provider", parts);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static ObjectNode offer(String datasetId, String metric, List<String> orgs) {
        ObjectNode o = ContractFixtures.offer(List.of(datasetId));
        o.remove("privacy");
        o.set("assignees", ApiClient.JSON.valueToTree(Map.of("orgs", orgs, "zoneTiers", List.of("SOCIAL"))));
        o.put("maxJobs", 20);
        ObjectNode rules = (ObjectNode) o.get("rules");
        rules.put("minEntities", 5);
        rules.set("aggregates", ApiClient.JSON.valueToTree(Map.of(metric, List.of("SUM", "COUNT", "AVG"), "*", List.of("COUNT"))));
        return o;
    }

    static String publish(ApiClient api, ObjectNode offer) {
        Response r = api.postJson("/api/v1/offers", "demo-provider", offer);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    /** Fresh datasets in both zones, an agreed local contract and an agreed cross-zone contract; the catalog synced. */
    static Setup setup(Consumer<ObjectNode> remoteOffer) {
        return setup(PUBLIC_SIZES, SOCIAL_SIZES, remoteOffer);
    }

    static Setup setup(Map<String, Integer> publicSizes, Map<String, Integer> socialSizes, Consumer<ObjectNode> remoteOffer) {
        return setup(publicSizes, socialSizes, remoteOffer, o -> {});
    }

    static Setup setup(Map<String, Integer> publicSizes, Map<String, Integer> socialSizes, Consumer<ObjectNode> remoteOffer,
                       Consumer<ObjectNode> localOffer) {
        String tag = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        List<String> pub = new ArrayList<>();
        int person = 0;
        for (var e : publicSizes.entrySet()) {
            for (int i = 0; i < e.getValue(); i++, person++) {
                String id = "PX" + tag + "N" + person;
                pub.add(id + "," + e.getKey() + "," + contribution(tag, person));
                RAW.add(id);
                RAW.add(Long.toString(contribution(tag, person)));
            }
        }
        List<String> soc = new ArrayList<>();
        person = 0;
        for (var e : socialSizes.entrySet()) {
            for (int i = 0; i < e.getValue(); i++, person++) {
                String id = "PX" + tag + "N" + (person * 3);  // overlapping person ids, as in the demo
                soc.add(id + "," + e.getKey() + "," + loan(person));
                RAW.add(id);
                RAW.add(Long.toString(loan(person)));
            }
        }
        String publicName = "residents_" + tag;
        String socialName = "bank_" + tag;
        String publicDataset = dataset(publicApi, publicName, "person_id,district,contribution", PUBLIC_ROLES, pub);
        String socialDataset = dataset(socialApi, socialName, "person_id,district,loan_amount", SOCIAL_ROLES, soc);
        ObjectNode lo = offer(socialDataset, "loan_amount", List.of("demo-consumer-org"));
        localOffer.accept(lo);
        String localOfferId = publish(socialApi, lo);
        Response lreq = socialApi.postJson("/api/v1/contracts", "demo-consumer", Map.of("offerId", localOfferId, "purpose", "research"));
        assertThat(lreq.status()).as(lreq.text()).isEqualTo(201);
        String local = lreq.json().get("id").asText();
        assertThat(socialApi.postJson("/api/v1/contracts/" + local + "/accept", "demo-provider", "").status()).isEqualTo(200);
        ObjectNode ro = offer(publicDataset, "contribution", List.of(REMOTE_ORG));
        remoteOffer.accept(ro);
        String remoteOfferId = publish(publicApi, ro);
        Response req = socialApi.postJson("/api/v1/federation/contracts", "demo-consumer",
                Map.of("zone", CrossZones.PUBLIC, "offerId", remoteOfferId, "purpose", "research"));
        assertThat(req.status()).as(req.text()).isEqualTo(201);
        String remote = req.json().get("id").asText();
        Response acc = publicApi.postJson("/api/v1/contracts/" + remote + "/accept", "demo-provider", "");
        assertThat(acc.status()).as(acc.text()).isEqualTo(200);
        zones.socialBean(CatalogSync.class).syncAll();
        return new Setup(tag, publicName, publicDataset, socialName, socialDataset, local, remote);
    }

    static String query(Setup s) {
        return "SELECT p.district, p.residents, p.avg_contribution, s.customers, s.loans, s.loans / p.residents AS loans_per_resident"
                + " FROM (SELECT district, COUNT(*) AS residents, AVG(contribution) AS avg_contribution FROM " + s.publicName()
                + " GROUP BY district) p"
                + " JOIN (SELECT district, COUNT(*) AS customers, SUM(loan_amount) AS loans FROM " + s.socialName()
                + " GROUP BY district) s ON p.district = s.district ORDER BY p.district";
    }

    static Map<String, Object> body(Setup s, String sql) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("sql", sql);
        b.put("contractIds", List.of(s.localContract()));
        b.put("remoteContracts", List.of(Map.of("zone", CrossZones.PUBLIC, "contractId", s.remoteContract())));
        return b;
    }

    static Response submit(Map<String, Object> body) {
        return socialApi.postJson("/api/v1/federation/sql-jobs", "demo-consumer", body);
    }

    @Test
    void releasedCrossZoneAggregateEqualsThePlaintextReferenceWithSmallGroupsOfEitherZoneSuppressed() {
        Setup s = setup(o -> {});
        TRAFFIC.clear();
        Response r = submit(body(s, query(s)));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().get("status").asText()).as(r.text()).isEqualTo("RELEASED");
        String id = r.json().get("id").asText();
        Response result = socialApi.get("/api/v1/federation/sql-jobs/" + id + "/result", "demo-consumer");
        assertThat(result.status()).as(result.text()).isEqualTo(200);
        assertThat(result.json().get("columns").toString()).isEqualTo(
                "[\"district\",\"residents\",\"avg_contribution\",\"customers\",\"loans\",\"loans_per_resident\"]");

        // Plaintext reference: per district in both zones with at least 5 people on each side.
        List<List<Object>> expected = new ArrayList<>();
        int pubStart = 0;
        for (var e : PUBLIC_SIZES.entrySet()) {
            int n = e.getValue();
            Integer m = SOCIAL_SIZES.get(e.getKey());
            if (n >= 5 && m != null && m >= 5) {
                double avg = 0;
                for (int i = pubStart; i < pubStart + n; i++) avg += contribution(s.tag(), i);
                avg /= n;
                int socStart = 0;
                for (var f : SOCIAL_SIZES.entrySet()) {
                    if (f.getKey().equals(e.getKey())) break;
                    socStart += f.getValue();
                }
                long loans = 0;
                for (int i = socStart; i < socStart + m; i++) loans += loan(i);
                expected.add(List.of(e.getKey(), (long) n, avg, (long) m, loans, (double) loans / n));
            }
            pubStart += n;
        }
        assertThat(expected).extracting(row -> row.get(0)).containsExactly("d0", "d3"); // d1, d2 suppressed on one side, d4/d5 one-sided
        JsonNode rows = result.json().get("rows");
        assertThat(rows).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            List<Object> e = expected.get(i);
            JsonNode row = rows.get(i);
            assertThat(row.get(0).asText()).isEqualTo(e.get(0));
            assertThat(row.get(1).asLong()).isEqualTo(e.get(1));
            assertThat(row.get(2).asDouble()).isCloseTo((Double) e.get(2), org.assertj.core.data.Offset.offset(1e-6));
            assertThat(row.get(3).asLong()).isEqualTo(e.get(3));
            assertThat(row.get(4).asDouble()).isEqualTo(((Long) e.get(4)).doubleValue());
            assertThat(row.get(5).asDouble()).isCloseTo((Double) e.get(5), org.assertj.core.data.Offset.offset(1e-6));
        }

        // The job, its parts and both ledgers.
        Response job = socialApi.get("/api/v1/federation/sql-jobs/" + id, "demo-consumer");
        assertThat(job.json().get("parts").findValuesAsText("zone")).containsExactly(CrossZones.PUBLIC, CrossZones.SOCIAL);
        assertThat(job.json().get("parts").findValuesAsText("status")).containsOnly("RELEASED");
        String remotePart = job.json().get("parts").get(0).get("partJobId").asText();
        String localPart = job.json().get("parts").get(1).get("partJobId").asText();
        assertThat(socialApi.get("/api/v1/federation/sql-jobs/" + id, "demo-consumer-b").status()).isEqualTo(404);
        assertThat(socialApi.get("/api/v1/federation/sql-jobs/" + id + "/result", "demo-consumer-b").status()).isEqualTo(404);
        assertThat(socialApi.get("/api/v1/federation/sql-jobs", "demo-consumer").json().findValuesAsText("id")).contains(id);

        // The combined result opens the commitment on the consumer zone's ledger with the key handed to the consumer.
        String commitment = r.json().get("resultCommitment").asText();
        assertThat(result.json().get("resultCommitment").asText()).isEqualTo(commitment);
        assertThat(io.veil.gateway.support.Opened.resultOpens(result.json())).isTrue();
        assertThat(CrossZoneTest.outboxTypes(zones.socialZone, id)).containsSubsequence("JobSubmitted", "JobAnalysed", "JobRunning",
                "JobExecuted", "ResultReleased");
        assertThat(CrossZoneTest.onLedger(zones.socialZone, "job", id)).filteredOn(e -> e.event().attributes().containsKey("resultCommitment"))
                .singleElement().satisfies(e -> {
                    assertThat(e.event().type().wireName()).isEqualTo("ResultReleased");
                    assertThat(e.event().attributes()).containsEntry("resultCommitment", commitment);
                });
        assertThat(CrossZoneTest.outboxTypes(zones.socialZone, localPart)).containsSubsequence("JobSubmitted", "JobAnalysed",
                "JobRunning", "JobExecuted", "ResultReleased");
        List<String> publicTrail = CrossZoneTest.outboxTypes(zones.publicZone, remotePart);
        assertThat(publicTrail).containsSubsequence("JobSubmitted", "JobAnalysed", "JobRunning", "JobExecuted", "ResultReleased");
        List<LedgerEntry> onPublic = CrossZoneTest.onLedger(zones.publicZone, "job", remotePart);
        // The provider zone's job events name the qualified consumer.
        assertThat(onPublic).filteredOn(e -> e.event().type().wireName().startsWith("Job")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.event().subjects()).containsEntry("org", REMOTE_ORG));
        // The consumer zone's ledger names the provider zone's part job and the commitment the provider zone made to what
        // it released (on its own ledger, with the release), checked on receipt with the opening key it handed over.
        String remoteCommitment = job.json().get("parts").get(0).get("resultCommitment").asText();
        assertThat(remoteCommitment).matches("[0-9a-f]{64}");
        assertThat(onPublic).filteredOn(e -> e.event().attributes().containsKey("resultCommitment")).singleElement().satisfies(e -> {
            assertThat(e.event().type().wireName()).isEqualTo("ResultReleased");
            assertThat(e.event().attributes()).containsEntry("resultCommitment", remoteCommitment);
        });
        assertThat(CrossZoneTest.onLedger(zones.socialZone, "job", id)).anySatisfy(e -> {
            assertThat(e.event().type().wireName()).isEqualTo("JobExecuted");
            assertThat(e.event().attributes().get("partJobs")).asList().contains(remotePart, localPart);
            assertThat(e.event().attributes().get("partResultCommitments")).asList().contains(remoteCommitment);
        });
        // The cross-zone contract's trail in the consumer zone includes the job that used it.
        assertThat(CrossZoneTest.onLedger(zones.socialZone, "contract", s.remoteContract()))
                .anySatisfy(e -> {
                    assertThat(e.event().type().wireName()).isEqualTo("ResultReleased");
                    assertThat(e.event().subjects()).containsEntry("job", id);
                });

        // Traffic: the part's SQL went out and only released aggregates came back — no person id, no raw metric value.
        assertThat(TRAFFIC).anySatisfy(b -> assertThat(new String(b, StandardCharsets.UTF_8)).contains(s.publicName()));
        assertThat(TRAFFIC).anySatisfy(b -> assertThat(new String(b, StandardCharsets.UTF_8)).contains("\"rows\"").contains("avg_contribution"));
        assertThat(TRAFFIC).noneSatisfy(b -> assertThat(new String(b, StandardCharsets.UTF_8)).contains(s.socialName()));
        assertNoRowLevelValueCrossed();
    }

    @Test
    void underTheProviderZonesDifferentialPrivacyItsPartIsNoisedAndChargedThereAndStillCombines() {
        Map<String, Integer> big = new TreeMap<>(Map.of("d0", 160, "d1", 150));
        Setup s = setup(big, new TreeMap<>(Map.of("d0", 12, "d1", 9)), o -> o.set("privacy", ApiClient.JSON.valueToTree(Map.of(
                "epsilonPerQuery", 1.0, "epsilonBudget", 5.0, "contributionBounds", Map.of("contribution", List.of(0, 2_000_000))))));
        io.veil.policy.BudgetStore budgets = zones.publicBean(io.veil.policy.BudgetStore.class);
        Response r = submit(body(s, query(s)));
        assertThat(r.json().get("status").asText()).as(r.text()).isEqualTo("RELEASED");
        assertThat(budgets.balance(io.veil.policy.BudgetKey.contract(s.remoteContract())).committed()).isEqualTo(1_000_000);
        JsonNode rows = socialApi.get("/api/v1/federation/sql-jobs/" + r.json().get("id").asText() + "/result", "demo-consumer")
                .json().get("rows");
        assertThat(rows).hasSizeBetween(1, 2);
        for (JsonNode row : rows) {
            long exact = big.get(row.get(0).asText());
            // the public count is the provider zone's noisy count (scale 3/ε), the bank's exact
            assertThat(row.get(1).asLong()).isBetween(exact - 80, exact + 80);
            assertThat(row.get(3).asLong()).isEqualTo(row.get(0).asText().equals("d0") ? 12 : 9);
        }
        assertNoRowLevelValueCrossed();
    }

    @Test
    void aPartRefusedByTheProviderZonesRulesRejectsTheJobWithItsCode() {
        Setup s = setup(o -> ((ObjectNode) o.get("rules")).set("aggregates",
                ApiClient.JSON.valueToTree(Map.of("contribution", List.of("SUM"), "*", List.of("COUNT")))));
        Response r = submit(body(s, query(s)));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().get("status").asText()).as(r.text()).isEqualTo("REJECTED");
        assertThat(r.json().get("reasons").findValuesAsText("code")).contains("AGGREGATE_NOT_ALLOWED");
        String remotePart = r.json().get("parts").get(0).get("partJobId").asText();
        assertThat(CrossZoneTest.outboxTypes(zones.publicZone, remotePart)).containsSubsequence("JobSubmitted", "JobRejected");
        assertThat(CrossZoneTest.outboxTypes(zones.socialZone, r.json().get("id").asText())).endsWith("JobRejected");
        // The local part never ran: the consumer's own quota is untouched.
        assertThat(r.json().get("parts").get(1).path("partJobId").isMissingNode() || r.json().get("parts").get(1).get("partJobId").isNull()).isTrue();
        assertNoRowLevelValueCrossed();
    }

    @Test
    void aLocalPartThisZoneWouldRefuseStopsTheJobBeforeAnyPeerZoneIsAsked() {
        Setup s = setup(PUBLIC_SIZES, SOCIAL_SIZES, o -> {}, o -> ((ObjectNode) o.get("rules")).set("aggregates",
                ApiClient.JSON.valueToTree(Map.of("loan_amount", List.of("COUNT"), "*", List.of("COUNT")))));
        PATHS.clear();
        Response r = submit(body(s, query(s)));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().get("status").asText()).as(r.text()).isEqualTo("REJECTED");
        assertThat(r.json().get("reasons").findValuesAsText("code")).containsExactly("AGGREGATE_NOT_ALLOWED");
        assertThat(r.json().get("parts").get(1).get("status").asText()).isEqualTo("REJECTED");
        assertThat(PATHS).noneMatch(p -> p.contains("sql-parts"));
        assertThat(CrossZoneTest.outboxTypes(zones.socialZone, r.json().get("id").asText())).containsExactly("JobSubmitted", "JobRejected");
    }

    @Test
    void anOfferThatWaitsForTheProvidersApprovalIsRefusedWithAClearCode() {
        Setup s = setup(o -> o.put("approval", "PROVIDER_APPROVES_JOB"));
        Response r = submit(body(s, query(s)));
        assertThat(r.json().get("status").asText()).as(r.text()).isEqualTo("REJECTED");
        assertThat(r.json().get("reasons").findValuesAsText("code")).containsExactly("CROSS_ZONE_APPROVAL_UNSUPPORTED");
    }

    @Test
    void shapesOutsideAggregateThenCombineAreRefusedBeforeAnyDataIsTouched() {
        Setup s = setup(o -> {});
        String otherRemote = setup(o -> {}).remoteContract();
        TRAFFIC.clear();
        PATHS.clear();
        Response rowJoin = submit(body(s, "SELECT COUNT(*) AS n FROM " + s.publicName() + " r JOIN " + s.socialName()
                + " b ON r.person_id = b.person_id"));
        assertThat(rowJoin.status()).as(rowJoin.text()).isEqualTo(422);
        assertThat(rowJoin.code()).isEqualTo("CROSS_ZONE_ROW_LEVEL_JOIN");
        assertThat(rowJoin.json().get("detail").asText()).contains("psi-jobs");
        Response byEntity = submit(body(s, "SELECT p.n FROM (SELECT person_id, COUNT(*) AS n FROM " + s.publicName()
                + " GROUP BY person_id) p JOIN (SELECT person_id, COUNT(*) AS m FROM " + s.socialName()
                + " GROUP BY person_id) s ON p.person_id = s.person_id"));
        assertThat(byEntity.code()).as(byEntity.text()).isEqualTo("CROSS_ZONE_GROUP_NOT_DIMENSION");
        // Without the cross-zone contract the public table is not covered.
        Map<String, Object> noRemote = body(s, query(s));
        noRemote.put("remoteContracts", List.of(Map.of("zone", CrossZones.PUBLIC, "contractId", otherRemote)));
        Response missing = submit(noRemote);
        assertThat(missing.code()).as(missing.text()).isEqualTo("CROSS_ZONE_CONTRACT_MISSING");
        // Another organisation's contract is not found; no zone was asked to run anything.
        Response other = socialApi.postJson("/api/v1/federation/sql-jobs", "demo-consumer-b", body(s, query(s)));
        assertThat(other.status()).as(other.text()).isEqualTo(404);
        assertThat(PATHS).noneMatch(p -> p.contains("sql-parts"));
        Response unknown = submit(Map.of("sql", query(s), "remoteContracts", List.of(), "extra", 1));
        assertThat(unknown.code()).isEqualTo("UNKNOWN_FIELD");
    }

    @Test
    void aRevokedCrossZoneContractIsRefusedAndTheProviderZoneDecidesForItself() {
        Setup s = setup(o -> {});
        assertThat(publicApi.postJson("/api/v1/contracts/" + s.remoteContract() + "/revoke", "demo-provider", "").status()).isEqualTo(200);
        Response r = submit(body(s, query(s)));
        assertThat(r.status()).as(r.text()).isEqualTo(409);
        assertThat(r.code()).isEqualTo("CONTRACT_NOT_AGREED");
        // A peer asking directly, whatever it believes, is refused by the provider zone's own check.
        PeerCalls calls = zones.socialBean(PeerCalls.class);
        Map<String, Object> part = new LinkedHashMap<>();
        part.put("contractIds", List.of(s.remoteContract()));
        part.put("consumerOrg", "demo-consumer-org");
        part.put("sql", "SELECT district, COUNT(*) AS n FROM " + s.publicName() + " GROUP BY district");
        part.put("initiatorJobId", UUID.randomUUID().toString());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> calls.postJson(calls.peer(CrossZones.PUBLIC), "/federation/v1/sql-parts", part))
                .isInstanceOfSatisfying(io.veil.gateway.api.ApiException.class, e -> assertThat(e.code()).isEqualTo("CONTRACT_NOT_AGREED"));
        // ... and a part job of another zone's organisation cannot be read by asking for its id.
        part.put("consumerOrg", "someone-else");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> calls.postJson(calls.peer(CrossZones.PUBLIC), "/federation/v1/sql-parts", part))
                .isInstanceOfSatisfying(io.veil.gateway.api.ApiException.class, e -> assertThat(e.code()).isEqualTo("NOT_FOUND"));
    }

    static void assertNoRowLevelValueCrossed() {
        assertThat(TRAFFIC).isNotEmpty();
        for (byte[] b : TRAFFIC) {
            String text = new String(b, StandardCharsets.ISO_8859_1);
            for (String v : RAW) Leaks.assertNoToken(text, v);
        }
    }
}
