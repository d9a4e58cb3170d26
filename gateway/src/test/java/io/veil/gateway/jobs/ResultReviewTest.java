package io.veil.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.crypto.CanonicalJson;
import io.veil.crypto.Hex;
import io.veil.crypto.Suite;
import io.veil.gateway.contracts.ContractService;
import io.veil.gateway.datasets.DatasetMetadata;
import io.veil.gateway.datasets.DatasetService;
import io.veil.gateway.keys.ZoneCommitments;
import io.veil.gateway.ledger.OutboxRelay;
import io.veil.gateway.offers.OfferService;
import io.veil.gateway.security.Caller;
import io.veil.gateway.support.ApiClient;
import io.veil.gateway.support.ApiClient.Response;
import io.veil.gateway.support.Flows;
import io.veil.gateway.support.GatewayTest;
import io.veil.gateway.support.Opened;
import io.veil.gateway.support.Shown;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, class 6 over HTTP, under an offer whose provider reviews each result: nothing about the
 * result is shown before it is released, a withheld result leaves no commitment anywhere, and the
 * reviewing provider — only it — reads the result it decides on, exactly as the consumer would get it.
 */
class ResultReviewTest extends GatewayTest {
    static final String SQL = "SELECT district, COUNT(*) AS n, AVG(income) AS avg_income FROM %s GROUP BY district ORDER BY district";
    static final Caller OTHER_PROVIDER = new Caller("other-review-provider-org", Set.of("provider"), "other-review-provider");
    @Autowired
    OutboxRelay relay;
    @Autowired
    ZoneCommitments commitments;
    @Autowired
    DatasetService datasets;
    @Autowired
    OfferService offers;
    @Autowired
    ContractService contracts;
    @Autowired
    JobService jobService;
    Flows flows;
    String name;
    String dataset;

    @BeforeEach
    void setUp() {
        flows = new Flows(api);
        name = Flows.uniqueName("review");
        dataset = flows.registerResidents(name);
    }

    String reviewContract() {
        ObjectNode offer = flows.offer(dataset);
        offer.put("approval", "PROVIDER_REVIEWS_RESULT");
        return flows.agree(flows.publish(offer));
    }

    /** A job that ran and now waits in CHECKED for the provider's review. */
    String checked(String contract) {
        Response r = flows.submit(contract, SQL.formatted(name));
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        String id = r.json().get("id").asText();
        JsonNode job = flows.awaitJob(id, "CHECKED");
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("CHECKED");
        return id;
    }

    Response review(String id, String client) {
        return api.get("/api/v1/jobs/" + id + "/review", client);
    }

    /** The commitment this zone would make to {@code table} for job {@code id}: it must not exist anywhere before release. */
    String wouldBeCommitment(String id, JsonNode table) {
        return commitments.commit(ZoneCommitments.Purpose.JOB_RESULT, id, Opened.resultBytes(table));
    }

    void assertNothingAboutTheResultIsShown(String id, JsonNode table) {
        String shown = Shown.aboutJob(api, relay, id);
        assertThat(shown).doesNotContain("resultCommitment\":\"").doesNotContain("rowsReleased");
        String outbox = String.join("\n", jdbc.queryForList("SELECT event_json FROM ledger_outbox WHERE event_json LIKE ?",
                String.class, "%" + id + "%"));
        assertThat(outbox).doesNotContain("resultCommitment").doesNotContain("rowsReleased");
        byte[] bytes = Opened.resultBytes(table);
        Set<String> hex = Shown.hexValues(shown, outbox);
        assertThat(Shown.plainHashIn(bytes, hex)).isFalse();
        assertThat(hex).doesNotContain(wouldBeCommitment(id, table));
        assertThat(jdbc.queryForList("SELECT result_commitment FROM jobs WHERE id = ?", String.class, id)).containsExactly((String) null);
        Response result = api.get("/api/v1/jobs/" + id + "/result", "demo-consumer");
        assertThat(result.status()).isEqualTo(409);
        assertThat(result.code()).isEqualTo("RESULT_NOT_RELEASED");
        assertThat(result.text()).doesNotContain(Hex.encode(Suite.INTL.hash(bytes)));
    }

    @Test
    void nothingAboutAResultIsShownBeforeRelease() {
        String id = checked(reviewContract());
        JsonNode table = review(id, "demo-provider").json();
        for (String who : List.of("demo-consumer", "demo-provider", "demo-auditor", "demo-admin")) {
            JsonNode view = api.get("/api/v1/jobs/" + id, who).json();
            assertThat(view.get("status").asText()).isEqualTo("CHECKED");
            assertThat(view.hasNonNull("resultCommitment")).as(who + ": " + view).isFalse();
            assertThat(view.get("queryCommitment").asText()).matches("[0-9a-f]{64}");
        }
        assertNothingAboutTheResultIsShown(id, table);

        // Once released, the commitment is the one that could not be seen before.
        assertThat(api.request("POST", "/api/v1/jobs/" + id + "/result/approve", "demo-provider", "application/json", null).status())
                .isEqualTo(200);
        JsonNode released = api.get("/api/v1/jobs/" + id + "/result", "demo-consumer").json();
        assertThat(released.get("resultCommitment").asText()).isEqualTo(wouldBeCommitment(id, table));
        assertThat(Opened.resultOpens(released)).isTrue();
    }

    @Test
    void withheldResultLeavesNoCommitment() {
        String id = checked(reviewContract());
        JsonNode table = review(id, "demo-provider").json();
        Response withheld = api.request("POST", "/api/v1/jobs/" + id + "/result/reject", "demo-provider", "application/json", null);
        assertThat(withheld.status()).as(withheld.text()).isEqualTo(200);
        assertThat(withheld.json().get("status").asText()).isEqualTo("REJECTED");
        assertThat(withheld.json().get("reasons").toString()).contains("PROVIDER_REJECTED_RESULT");
        assertNothingAboutTheResultIsShown(id, table);
        assertThat(Shown.trail(api, "job:" + id)).contains("ResultReviewed").doesNotContain("ResultReleased");
        Response late = review(id, "demo-provider");
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.code()).isEqualTo("JOB_NOT_AWAITING_REVIEW");
    }

    @Test
    void reviewingProviderReadsTheResultItReviews() {
        String id = checked(reviewContract());
        Response r = review(id, "demo-provider");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("jobId").asText()).isEqualTo(id);
        assertThat(r.json().has("resultCommitment")).isFalse();
        List<String> districts = new java.util.ArrayList<>();
        r.json().get("rows").forEach(row -> districts.add(row.get(0).asText()));
        // Enforced before review, as for the consumer: the tiny district is suppressed.
        assertThat(districts).containsExactly("east", "north", "south", "west");
        assertThat(r.text()).doesNotContain("tiny").doesNotContain("900000");
        String csv = api.get("/api/v1/jobs/" + id + "/review?format=csv", "demo-provider").text();
        assertThat(csv).startsWith("district,n,avg_income");

        assertThat(api.request("POST", "/api/v1/jobs/" + id + "/result/approve", "demo-provider", "application/json", null).status())
                .isEqualTo(200);
        JsonNode consumer = api.get("/api/v1/jobs/" + id + "/result", "demo-consumer").json();
        assertThat(consumer.get("columns")).isEqualTo(r.json().get("columns"));
        assertThat(consumer.get("types")).isEqualTo(r.json().get("types"));
        assertThat(consumer.get("rows")).isEqualTo(r.json().get("rows"));
        assertThat(CanonicalJson.canonicalize(consumer.get("rows").toString())).isEqualTo(CanonicalJson.canonicalize(r.json().get("rows").toString()));
        assertThat(api.get("/api/v1/jobs/" + id + "/result?format=csv", "demo-consumer").text()).isEqualTo(csv);
        Response after = review(id, "demo-provider");
        assertThat(after.status()).isEqualTo(409);
        assertThat(after.code()).isEqualTo("JOB_NOT_AWAITING_REVIEW");
    }

    @Test
    void nobodyButTheReviewingProviderReadsAResultUnderReview() throws Exception {
        String id = checked(reviewContract());
        for (String who : List.of("demo-consumer", "demo-consumer-b", "demo-auditor", "demo-admin")) {
            Response r = review(id, who);
            assertThat(r.status()).as(who).isEqualTo(403);
            assertThat(r.contentType()).contains("application/problem+json");
            assertThat(r.code()).isEqualTo("FORBIDDEN");
            assertThat(r.text()).doesNotContain("north");
        }
        assertThat(review("00000000-0000-0000-0000-000000000000", "demo-provider").code()).isEqualTo("NOT_FOUND");
        assertThat(review("not-a-job", "demo-provider").status()).isEqualTo(404);

        // A second provider organisation reviews its own offer's results; demo-provider provides data to a job
        // over both datasets under an AUTO offer, so it may see the job but not read the result the other reviews.
        String otherName = Flows.uniqueName("other_review");
        String otherDataset = datasets.register(OTHER_PROVIDER, DatasetMetadata.parse(("{\"name\":\"" + otherName
                + "\",\"columns\":{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\",\"age_band\":\"DIMENSION\",\"income\":\"METRIC\"}}")
                .getBytes(StandardCharsets.UTF_8)), "o.csv", "text/csv",
                new ByteArrayInputStream(Flows.residentsCsv(11).getBytes(StandardCharsets.UTF_8)), () -> {}).dataset().id();
        ObjectNode otherOffer = flows.offer(otherDataset);
        otherOffer.put("approval", "PROVIDER_REVIEWS_RESULT");
        ((ObjectNode) otherOffer.get("rules")).putArray("joinKeys").add("person_id");
        String otherContract = agreeWithOther(offers.publish(OTHER_PROVIDER, otherOffer.toString()).id());
        ObjectNode mine = flows.offer(dataset);
        ((ObjectNode) mine.get("rules")).putArray("joinKeys").add("person_id");
        String myContract = flows.agree(flows.publish(mine));

        ObjectNode body = ApiClient.JSON.createObjectNode();
        body.putArray("contractIds").add(myContract).add(otherContract);
        body.put("sql", "SELECT a.district, COUNT(*) AS people FROM " + name + " a JOIN " + otherName
                + " b ON a.person_id = b.person_id GROUP BY a.district");
        Response joint = api.postJson("/api/v1/jobs", "demo-consumer", body);
        assertThat(joint.status()).as(joint.text()).isEqualTo(202);
        String jointId = joint.json().get("id").asText();
        assertThat(flows.awaitJob(jointId, "CHECKED").get("status").asText()).isEqualTo("CHECKED");
        Response notReviewer = review(jointId, "demo-provider");
        assertThat(notReviewer.status()).isEqualTo(403);
        assertThat(notReviewer.code()).isEqualTo("NOT_RESULT_REVIEWER");
        Response notReviewerReleases = api.request("POST", "/api/v1/jobs/" + jointId + "/result/approve", "demo-provider",
                "application/json", null);
        assertThat(notReviewerReleases.status()).isEqualTo(403);
        assertThat(notReviewerReleases.code()).isEqualTo("NOT_RESULT_REVIEWER");
        assertThat(jobService.underReview(OTHER_PROVIDER, jointId).id()).isEqualTo(jointId); // the reviewer itself may

        // A job under the other organisation's offer only: demo-provider has nothing to do with it.
        ObjectNode only = ApiClient.JSON.createObjectNode();
        only.putArray("contractIds").add(otherContract);
        only.put("sql", "SELECT district, COUNT(*) AS n FROM " + otherName + " GROUP BY district");
        String otherJob = api.postJson("/api/v1/jobs", "demo-consumer", only).json().get("id").asText();
        assertThat(flows.awaitJob(otherJob, "CHECKED").get("status").asText()).isEqualTo("CHECKED");
        Response stranger = review(otherJob, "demo-provider");
        assertThat(stranger.status()).isEqualTo(404);
        assertThat(stranger.code()).isEqualTo("NOT_FOUND");

        // Under an AUTO offer there is no review at all.
        JsonNode auto = flows.run(myContract, "SELECT COUNT(*) AS n FROM " + name);
        assertThat(auto.get("status").asText()).isEqualTo("RELEASED");
        assertThat(review(auto.get("id").asText(), "demo-provider").code()).isEqualTo("NOT_RESULT_REVIEWER");
    }

    private String agreeWithOther(String offerId) throws Exception {
        Response req = api.postJson("/api/v1/contracts", "demo-consumer", "{\"offerId\":\"" + offerId + "\",\"purpose\":\"research\"}");
        assertThat(req.status()).as(req.text()).isEqualTo(201);
        String id = req.json().get("id").asText();
        var accept = ContractService.class.getDeclaredMethod("accept", Caller.class, String.class);
        accept.setAccessible(true);
        accept.invoke(contracts, OTHER_PROVIDER, id);
        return id;
    }
}
