package io.veil.gateway.crosszone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.offers.Digests;
import io.veil.gateway.support.ApiClient;
import io.veil.gateway.support.ApiClient.Response;
import io.veil.ledger.LedgerEntry;
import io.veil.policy.BudgetKey;
import io.veil.policy.BudgetStore;
import io.veil.policy.OfferParser;
import io.veil.sandbox.privacy.SecureNoise;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static io.veil.gateway.crosszone.PsiFixture.Setup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * PSI attacked as a consumer would (issue 14, classes 3 and 4), over HTTP between two real zones: the
 * consumer chooses its own key set (padding it with known members or fabricated keys) and asks the public
 * zone's dataset about it. Every answer must be a noisy measurement charged against the budget — the
 * suppression flag included — and no status, code or ledger entry may carry an exact bit about the
 * intersection. Probabilistic assertions state their false-failure probability (always < 1e-9).
 */
class PsiPrivacyTest {
    static CrossZones zones;
    static PsiFixture fx;

    @BeforeAll
    static void start() throws IOException {
        zones = new CrossZones();
        fx = new PsiFixture(zones);
    }

    @AfterAll
    static void stop() {
        if (zones != null) zones.close();
    }

    static String tag() {
        return UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    }

    static String pid(String tag, int i) {
        return "PID" + tag + "X" + i;
    }

    /** People 0..n-1 of the public zone, person i with income 10·i. */
    static List<String> people(String tag, int n) {
        return IntStream.range(0, n).mapToObj(i -> pid(tag, i) + ",d" + (i % 3) + "," + (10L * i)).toList();
    }

    static List<String> keys(String tag, IntStream ids) {
        return ids.mapToObj(i -> pid(tag, i)).toList();
    }

    static void privacy(ObjectNode offer, double epsilon, double budget, List<Number> bounds) {
        offer.set("privacy", ApiClient.JSON.valueToTree(Map.of("epsilonPerQuery", epsilon, "epsilonBudget", budget,
                "contributionBounds", Map.of("income", bounds))));
    }

    /** Another key set of the consumer under the same cross-zone contract (a new local dataset and contract). */
    static Setup withKeys(Setup s, List<String> keys) {
        String soc = PsiFixture.dataset(fx.socialApi, "person_id,district,income", PsiFixture.ROLES, keys.stream().map(k -> k + ",s,1").toList());
        String local = fx.localContract(PsiFixture.publish(fx.socialApi, PsiFixture.offer(soc, 100, 1_000_000, List.of(0, 1000))));
        return new Setup(s.publicDataset(), soc, local, s.remoteContract(), s.remoteOffer());
    }

    static BudgetStore publicBudgets() {
        return zones.publicBean(BudgetStore.class);
    }

    // ---- class 4: without DP, PSI is a membership oracle, so it needs DP ----

    @Test
    void psiOfferWithoutPrivacyIsRefused() {
        String ds = PsiFixture.dataset(fx.publicApi, "person_id,district,income", PsiFixture.ROLES, people(tag(), 10));
        for (String type : List.of("PSI_COUNT", "PSI_SUM")) {
            ObjectNode o = PsiFixture.offer(ds, 1, 10, List.of(0, 1000));
            o.set("jobTypes", ApiClient.JSON.valueToTree(List.of("SQL", type)));
            o.remove("privacy");
            Response r = fx.publicApi.postJson("/api/v1/offers", "demo-provider", o);
            assertThat(r.status()).as(r.text()).isEqualTo(422);
            assertThat(r.code()).isEqualTo("OFFER_PSI_REQUIRES_PRIVACY");
            assertThat(r.json().get("violations").findValuesAsText("path")).containsExactly("privacy");
        }
        ObjectNode sqlOnly = PsiFixture.offer(ds, 1, 10, List.of(0, 1000));
        sqlOnly.set("jobTypes", ApiClient.JSON.valueToTree(List.of("SQL")));
        sqlOnly.remove("privacy");
        assertThat(fx.publicApi.postJson("/api/v1/offers", "demo-provider", sqlOnly).status()).isEqualTo(201);
    }

    @Test
    void psiJobUnderStoredOfferWithoutPrivacyIsRefusedBeforeDataIsTouched() {
        String tag = tag();
        Setup dp = fx.setup(people(tag, 20), keys(tag, IntStream.range(0, 10)), o -> {});
        // An offer stored before publication refused PSI without privacy (written as the store would have).
        ObjectNode legacy = PsiFixture.offer(dp.publicDataset(), 1, 10, List.of(0, 1000));
        legacy.remove("privacy");
        String offerId = storeOffer(zones.publicZone, legacy);
        Setup s = new Setup(dp.publicDataset(), dp.socialDataset(), dp.localContract(), fx.remoteContract(offerId), offerId);
        long localEps = fx.zones.socialBean(BudgetStore.class).balance(BudgetKey.contract(s.localContract())).committed();

        for (String type : List.of("PSI_COUNT", "PSI_SUM")) {
            Response r = fx.submit(PsiFixture.body(s, type));
            assertThat(r.status()).as(r.text()).isEqualTo(201);
            assertThat(r.json().get("status").asText()).as(r.text()).isEqualTo("REJECTED");
            assertThat(r.json().get("reasons").findValuesAsText("code")).containsExactly("PSI_REQUIRES_PRIVACY");
            assertThat(r.json().path("result").isMissingNode() || r.json().path("result").isNull()).isTrue();
        }
        // The provider zone decided before reading: no run, no reservation, no usage; its jobs went SUBMITTED → REJECTED.
        List<PsiJobStore.PsiJob> runs = zones.publicBean(PsiJobStore.class).responderRuns(null, 0, 100).stream()
                .filter(j -> j.contractId().equals(s.remoteContract())).toList();
        assertThat(runs).hasSize(2).allSatisfy(j -> {
            assertThat(j.status().name()).isEqualTo("REJECTED");
            assertThat(CrossZoneTest.outboxTypes(zones.publicZone, j.id())).containsExactly("JobSubmitted", "JobRejected");
        });
        assertThat(publicBudgets().balance(BudgetKey.contractJobs(s.remoteContract())).committed()).isZero();
        // The consumer zone gave its own ε back: its keys never left.
        BudgetStore social = zones.socialBean(BudgetStore.class);
        assertThat(social.balance(BudgetKey.contract(s.localContract())).committed()).isEqualTo(localEps);
        assertThat(social.balance(BudgetKey.contract(s.localContract())).reserved()).isZero();
    }

    /** Inserts an offer the way OfferService stores one, without its publication checks. */
    static String storeOffer(ApplicationContext zone, ObjectNode json) {
        io.veil.policy.Offer offer = OfferParser.parse(json).value();
        String id = UUID.randomUUID().toString();
        String digest = Digests.hex(zone.getBean(ZoneKeyStore.class).suite(), Digests.canonical(offer.toJson()));
        JdbcTemplate jdbc = zone.getBean(JdbcTemplate.class);
        jdbc.update("INSERT INTO offers(id, provider_org, offer_json, digest, created_at) VALUES (?,?,?,?,?)",
                id, "demo-provider-org", offer.toJson().toString(), digest, Timestamp.from(Instant.now()));
        offer.datasetIds().forEach(d -> jdbc.update("INSERT INTO offer_datasets(offer_id, dataset_id) VALUES (?,?)", id, d));
        return id;
    }

    @Test
    void differencingTwoKeySetsGivesOnlyNoisyAnswers() {
        // S: 60 members; S ∪ {x}: x is person 77 (income 770). Without noise the two sums differ by exactly 770.
        // ε = 1 split over count and sum; sum scale = m·B/(ε/2) = 1·10^9·2 = 2·10^9 (bounds [0, 10^9]). The
        // released sum is an integer; any one integer has probability ≤ 1/(2·10^9) under that noise, so an exact
        // 770 difference, or two equal answers for the same set, each happen with probability < 10^-9 / 2.
        // Suppression would need count noise ≤ -55 at scale 2: < e^-27 per run.
        String tag = tag();
        Setup s = fx.setup(people(tag, 100), keys(tag, IntStream.range(0, 60)), o -> privacy(o, 1, 10, List.of(0, 1_000_000_000)));
        List<String> withX = new ArrayList<>(keys(tag, IntStream.range(0, 60)));
        withX.add(pid(tag, 77));
        Setup sx = withKeys(s, withX);

        JsonNode without = fx.released(s, "PSI_SUM").get("result");
        JsonNode with1 = fx.released(sx, "PSI_SUM").get("result");
        JsonNode with2 = fx.released(sx, "PSI_SUM").get("result");
        for (JsonNode r : List.of(without, with1, with2)) {
            assertThat(r.get("suppressed").asBoolean()).as(r.toString()).isFalse();
            assertThat(r.get("differentialPrivacy").asBoolean()).isTrue();
            assertThat(r.get("sum").isIntegralNumber()).isTrue();
            assertThat(r.get("intersectionSize").isIntegralNumber()).isTrue();
        }
        assertThat(with1.get("sum").asLong() - without.get("sum").asLong()).isNotEqualTo(770);
        assertThat(with1.get("sum").asLong()).isNotEqualTo(with2.get("sum").asLong());
        assertThat(with1.get("noiseScales").get("sum").asDouble()).isEqualTo(2e9);
    }

    // ---- class 3: under DP, the suppression flag must be noisy too ----

    /**
     * Count noise at ε = 0.05: discrete Laplace of scale 20, P(noise < 0) = p/(1+p) ≈ 0.488 (p = e^-1/20),
     * P(noise ≥ 1) the same. With 35 runs, one outcome only has probability ≤ 0.512^35 + 0.488^35 < 1e-10.
     */
    static final int RUNS = 35;

    @Test
    void psiSuppressionFlagIsNoisyNotExact() {
        // True intersection exactly k = 5 (the exact rule would release every time), padded with fabricated keys.
        String tag = tag();
        List<String> mine = new ArrayList<>(keys(tag, IntStream.range(35, 40)));
        IntStream.range(0, 20).forEach(i -> mine.add("FAKE" + tag + i));
        Setup s = fx.setup(people(tag, 40), mine, o -> privacy(o, 0.05, 2, List.of(0, 1000)));
        Set<Boolean> flags = runs(s);
        assertThat(flags).as("both outcomes at the same true size").containsExactlyInAnyOrder(true, false);
    }

    @Test
    void paddedKeySetGivesNoExactMembershipBit() {
        // Is the named person x in the public dataset? Pad with k−1 = 4 known members: exactly, "released"
        // would mean yes and "suppressed" no. Both worlds must show both outcomes (bounds: see RUNS).
        String tag = tag();
        String x = pid(tag, 999);
        List<String> padded = new ArrayList<>(keys(tag, IntStream.range(0, 4)));
        padded.add(x);
        List<String> present = new ArrayList<>(people(tag, 30));
        present.add(x + ",d0,5");
        Setup xIn = fx.setup(present, padded, o -> privacy(o, 0.05, 2, List.of(0, 1000)));
        Setup xOut = fx.setup(people(tag, 30), padded, o -> privacy(o, 0.05, 2, List.of(0, 1000)));
        assertThat(runs(xIn)).as("x present").containsExactlyInAnyOrder(true, false);
        assertThat(runs(xOut)).as("x absent").containsExactlyInAnyOrder(true, false);
    }

    /** RUNS PSI_COUNT jobs; checks each answer is self-consistent and that both ledgers carry only the released flag. */
    static Set<Boolean> runs(Setup s) {
        Set<Boolean> flags = new HashSet<>();
        for (int i = 0; i < RUNS; i++) {
            JsonNode job = fx.released(s, "PSI_COUNT");
            JsonNode r = job.get("result");
            boolean suppressed = r.get("suppressed").asBoolean();
            if (suppressed) assertThat(r.get("intersectionSize").isNull()).isTrue();
            else assertThat(r.get("intersectionSize").asLong()).isGreaterThanOrEqualTo(5);
            flags.add(suppressed);
            assertLedgersCarryOnly(job, suppressed);
        }
        return flags;
    }

    /** Both zones' ledger events of the job: the released (noisy) flag and nothing that names the intersection. */
    static void assertLedgersCarryOnly(JsonNode job, boolean suppressed) {
        List<LedgerEntry> events = new ArrayList<>(PsiFixture.onLedger(zones.socialZone, "job", job.get("id").asText()));
        events.addAll(PsiFixture.onLedger(zones.publicZone, "job", job.get("remoteJobId").asText()));
        assertThat(events).isNotEmpty().allSatisfy(e -> {
            Map<String, Object> a = e.event().attributes();
            assertThat(a.keySet()).noneMatch(k -> k.toLowerCase().contains("intersection") || k.equals("sum") || k.equals("matched"));
            if (a.containsKey("suppressed")) assertThat(a.get("suppressed")).isEqualTo(suppressed);
        });
        assertThat(events).anySatisfy(e -> assertThat(e.event().attributes()).containsKey("suppressed"));
    }

    @Test
    void psiSumNoiseLiesOnTheGrid() {
        // Bounds [0, 10^15], ε = 1: sum scale 2·10^15, grid g = 2^11 = 2048 (scale/g in (2^39, 2^40]). Every
        // released sum is a multiple of g; noise off the grid would pass three runs with probability 2048^-3 < 1e-9.
        String tag = tag();
        Setup s = fx.setup(people(tag, 100), keys(tag, IntStream.range(50, 120)), o -> privacy(o, 1, 10, List.of(0, 1e15)));
        double scale = 2e15;
        long g = (long) SecureNoise.granularity(scale);
        assertThat(g).isEqualTo(2048);
        Set<Long> sums = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            JsonNode r = fx.released(s, "PSI_SUM").get("result");
            assertThat(r.get("noiseScales").get("sum").asDouble()).isEqualTo(scale);
            assertThat(r.get("suppressed").asBoolean()).as(r.toString()).isFalse(); // count 50 at scale 2: P(≤ 4) < e^-22
            long sum = r.get("sum").asLong();
            assertThat(Math.floorMod(sum, g)).as("sum %d on the grid", sum).isZero();
            sums.add(sum);
        }
        assertThat(sums).as("fresh noise each run").hasSizeGreaterThan(1); // equal twice: P < 3·2048/2e15
    }

    @Test
    void psiBudgetIsChargedPerJobAndExhausts() {
        // ε 0.25 per job, 0.75 in all: three jobs, then refusals before any data is read — also under a second contract.
        String tag = tag();
        Setup s = fx.setup(people(tag, 50), keys(tag, IntStream.range(0, 40)), o -> privacy(o, 0.25, 0.75, List.of(0, 1000)));
        BudgetStore budgets = publicBudgets();
        BudgetStore social = zones.socialBean(BudgetStore.class);
        BudgetKey datasetOrg = BudgetKey.datasetOrg(s.publicDataset(), PsiFixture.REMOTE_ORG);
        for (String type : List.of("PSI_COUNT", "PSI_SUM", "PSI_COUNT")) {
            long before = budgets.balance(BudgetKey.contract(s.remoteContract())).committed();
            JsonNode job = fx.released(s, type);
            assertThat(job.get("result").get("microEpsilon").asLong()).isEqualTo(250_000);
            assertThat(budgets.balance(BudgetKey.contract(s.remoteContract())).committed()).isEqualTo(before + 250_000);
        }
        assertThat(budgets.balance(datasetOrg).committed()).isEqualTo(750_000);
        assertThat(social.balance(BudgetKey.contract(s.localContract())).committed()).isEqualTo(3 * 100_000_000L);

        Response exhausted = fx.submit(PsiFixture.body(s, "PSI_COUNT"));
        assertThat(exhausted.json().get("status").asText()).as(exhausted.text()).isEqualTo("REJECTED");
        assertThat(exhausted.json().get("reasons").findValuesAsText("code")).containsExactly("BUDGET_EXHAUSTED");
        // A fresh contract on the same offer does not reset the dataset's ε for this organisation.
        Setup again = new Setup(s.publicDataset(), s.socialDataset(), s.localContract(), fx.remoteContract(s.remoteOffer()), s.remoteOffer());
        Response second = fx.submit(PsiFixture.body(again, "PSI_SUM"));
        assertThat(second.json().get("status").asText()).as(second.text()).isEqualTo("REJECTED");
        assertThat(second.json().get("reasons").findValuesAsText("code")).containsExactly("BUDGET_EXHAUSTED");
        assertThat(budgets.balance(datasetOrg).committed()).isEqualTo(750_000);
        assertThat(budgets.balance(datasetOrg).reserved()).isZero();
        // The consumer zone refunded its own ε for the refused jobs.
        assertThat(social.balance(BudgetKey.contract(s.localContract())).committed()).isEqualTo(3 * 100_000_000L);
        assertThat(social.balance(BudgetKey.contract(s.localContract())).reserved()).isZero();
    }

    @Test
    void aOneKeySetIsAnsweredUnderTheMechanismNotRefused() {
        // A refusal of small sets would itself be an exact bit about the consumer zone's data; the answer is noisy anyway.
        String tag = tag();
        Setup s = fx.setup(people(tag, 20), keys(tag, IntStream.range(3, 4)), o -> privacy(o, 0.5, 5, List.of(0, 1000)));
        JsonNode job = fx.released(s, "PSI_COUNT");
        assertThat(job.get("result").get("differentialPrivacy").asBoolean()).isTrue();
        assertThat(publicBudgets().balance(BudgetKey.contract(s.remoteContract())).committed()).isEqualTo(500_000);
    }

    @Test
    void oneEntityWithManyKeysCountsAtMostMaxRowsPerEntity() {
        // The join key is not the entity: person E holds 30 phone numbers, 20 others one each, all in the consumer's
        // set. With maxRowsPerEntity 1, E contributes one key, as the noise scale assumes. ε = 100 on both sides:
        // count scale 0.02 (SUM mode), P(count noise ≠ 0) < 2e^-50; sum scale 20, P(|noise| > 800) < e^-40.
        String tag = tag();
        List<String> rows = new ArrayList<>();
        IntStream.range(0, 30).forEach(i -> rows.add("E" + tag + ",PH" + tag + "X" + i + ",1000"));
        IntStream.range(0, 20).forEach(i -> rows.add("Q" + tag + i + ",QP" + tag + "X" + i + ",10"));
        String pub = PsiFixture.dataset(fx.publicApi, "person_id,phone,income",
                "{\"person_id\":\"ENTITY_ID\",\"phone\":\"JOIN_KEY\",\"income\":\"METRIC\"}", rows);
        List<String> mine = new ArrayList<>();
        IntStream.range(0, 30).forEach(i -> mine.add("PH" + tag + "X" + i));
        IntStream.range(0, 20).forEach(i -> mine.add("QP" + tag + "X" + i));
        ObjectNode o = PsiFixture.offer(pub, 100, 10_000, List.of(0, 1000));
        ((ObjectNode) o.get("rules")).set("joinKeys", ApiClient.JSON.valueToTree(List.of("phone")));
        ((ObjectNode) o.get("rules")).set("dimensions", ApiClient.JSON.valueToTree(List.of()));
        ((ObjectNode) o.get("rules")).put("maxRowsPerEntity", 1);
        String offerId = PsiFixture.publish(fx.publicApi, o);
        Setup s = withKeys(new Setup(pub, null, null, fx.remoteContract(offerId), offerId), mine);
        Map<String, Object> body = PsiFixture.body(s, "PSI_SUM");
        body.put("remoteJoinKey", "phone");
        Response r = fx.submit(body);
        assertThat(r.json().get("status").asText()).as(r.text()).isEqualTo("RELEASED");
        JsonNode result = r.json().get("result");
        assertThat(result.get("intersectionSize").asLong()).isEqualTo(21);
        assertThat(Math.abs(result.get("sum").asLong() - (20 * 10 + 1000))).isLessThan(800); // unbounded: 30,200
    }

    @Test
    void valuesThatUsedToBreakTheRunAreAnsweredNotFailed() {
        // Error oracles: a key longer than the protocol takes, and a person whose total overflows 64 bits, made the
        // run FAIL — an exact bit about the provider's data. Both are now read totally. ε = 100 (exact count: P(noise
        // ≠ 0) < 2e^-50); bounds beyond the long range clamp at Long.MAX_VALUE.
        String tag = tag();
        String longKey = "L" + tag + "x".repeat(1500);
        List<String> rows = new ArrayList<>(people(tag, 20));
        rows.add(longKey + ",d1,5");
        rows.add(pid(tag, 900) + ",d1,9000000000000000000");
        rows.add(pid(tag, 900) + ",d2,9000000000000000000");
        List<String> mine = new ArrayList<>(keys(tag, IntStream.range(0, 10)));
        mine.add(longKey);
        mine.add(pid(tag, 900));
        Setup s = fx.setup(rows, mine, o -> {
            privacy(o, 100, 10_000, List.of(0, 1e19));
            ((ObjectNode) o.get("rules")).put("maxRowsPerEntity", 2);
        });
        JsonNode count = fx.released(s, "PSI_COUNT").get("result");
        assertThat(count.get("intersectionSize").asLong()).isEqualTo(12);
        JsonNode sum = fx.released(s, "PSI_SUM").get("result");
        assertThat(sum.get("suppressed").asBoolean()).isFalse();
        assertThat(sum.get("sum").isIntegralNumber()).isTrue();
    }

    /** The zone-to-zone body that opens a PSI_COUNT session on the public zone, as the social zone would send it. */
    private Map<String, Object> sessionOpening(Setup s) {
        Map<String, Object> open = new LinkedHashMap<>();
        open.put("jobType", "PSI_COUNT");
        open.put("contractId", s.remoteContract());
        open.put("consumerOrg", "demo-consumer-org");
        open.put("datasetId", s.publicDataset());
        open.put("joinKey", "person_id");
        open.put("initiatorJobId", UUID.randomUUID().toString());
        open.put("sessionId", Base64.getEncoder().encodeToString(new byte[16]));
        open.put("suite", zones.publicBean(ZoneKeyStore.class).suite().name());
        return open;
    }

    @Test
    void aFailureAfterTheDataWasReadSaysNothingAndStillSpendsEpsilon() {
        String tag = tag();
        Setup s = fx.setup(people(tag, 20), keys(tag, IntStream.range(0, 10)), o -> privacy(o, 0.5, 5, List.of(0, 1000)));
        PeerCalls calls = zones.socialBean(PeerCalls.class);
        Map<String, Object> open = sessionOpening(s);
        open.put("initiatorPrivacy", Map.of("microEpsilon", 1_000_000, "maxRowsPerEntity", 1));
        String session = calls.postJson(calls.peer(CrossZones.PUBLIC), "/federation/v1/psi/sessions", open).get("sessionId").asText();
        assertThatThrownBy(() -> calls.post(calls.peer(CrossZones.PUBLIC), "/federation/v1/psi/sessions/" + session + "/blinded",
                "not a PSI message".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("PSI_PROTOCOL_ERROR"));
        PsiJobStore.PsiJob j = zones.publicBean(PsiJobStore.class).find(session).orElseThrow();
        assertThat(j.status().name()).isEqualTo("FAILED");
        assertThat(j.reasons()).extracting(io.veil.gateway.jobs.Job.Reason::code).containsExactly("PSI_PROTOCOL_ERROR");
        assertThat(publicBudgets().balance(BudgetKey.contract(s.remoteContract())).committed()).isEqualTo(500_000);
        assertThat(publicBudgets().balance(BudgetKey.contractJobs(s.remoteContract())).committed()).isZero();
        // The session is closed: nothing more can be asked of it.
        assertThatThrownBy(() -> calls.post(calls.peer(CrossZones.PUBLIC), "/federation/v1/psi/sessions/" + session + "/double-blinded", new byte[0]))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status().value()).isEqualTo(404));
    }

    @Test
    void openingASessionWithoutTheInitiatorsPrivacyTermsIsRefused() {
        String tag = tag();
        Setup s = fx.setup(people(tag, 20), keys(tag, IntStream.range(0, 10)), o -> {});
        PeerCalls calls = zones.socialBean(PeerCalls.class);
        Map<String, Object> open = sessionOpening(s);
        assertThatThrownBy(() -> calls.postJson(calls.peer(CrossZones.PUBLIC), "/federation/v1/psi/sessions", open))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("INVALID_REQUEST"));
        open.put("initiatorPrivacy", Map.of("microEpsilon", 0, "maxRowsPerEntity", 1));
        assertThatThrownBy(() -> calls.postJson(calls.peer(CrossZones.PUBLIC), "/federation/v1/psi/sessions", open))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("INVALID_REQUEST"));
    }
}
