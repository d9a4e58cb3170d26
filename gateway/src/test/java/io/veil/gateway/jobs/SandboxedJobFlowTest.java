package io.veil.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.gateway.support.ApiClient.Response;
import io.veil.gateway.support.Flows;
import io.veil.gateway.support.GatewayTest;
import io.veil.gateway.support.Leaks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 4 end to end over HTTP: real analysis, real bubblewrap worker, real DuckDB, enforcement, budgets. */
class SandboxedJobFlowTest extends GatewayTest {
    Flows flows;
    String dataset;
    String name;

    @BeforeEach
    void setUp() {
        flows = new Flows(api);
        name = Flows.uniqueName("res");
        dataset = flows.registerResidents(name);
    }

    @Test
    void allowedAggregateIsReleasedWithSmallGroupsSuppressed() {
        String contract = flows.agree(flows.publish(flows.offer(dataset)));
        JsonNode job = flows.run(contract, "SELECT district, COUNT(*) AS n, AVG(income) AS avg_income FROM " + name + " GROUP BY district");
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("RELEASED");
        Response result = api.get("/api/v1/jobs/" + job.get("id").asText() + "/result", "demo-consumer");
        assertThat(result.status()).isEqualTo(200);
        List<String> districts = new ArrayList<>();
        result.json().get("rows").forEach(r -> districts.add(r.get(0).asText()));
        assertThat(districts).containsExactlyInAnyOrder("north", "south", "east", "west");
        Leaks.assertNoToken(result.text(), "tiny");
        Leaks.assertNoToken(result.text(), "900000");
        assertThat(result.json().get("columns").toString()).doesNotContain("__veil");

        Response csv = api.get("/api/v1/jobs/" + job.get("id").asText() + "/result?format=csv", "demo-consumer");
        assertThat(csv.text()).startsWith("district,n,avg_income");
    }

    @Test
    void globalAggregateOverTooFewEntitiesIsSuppressed() {
        String contract = flows.agree(flows.publish(flows.offer(dataset)));
        JsonNode job = flows.run(contract, "SELECT COUNT(*) AS n FROM " + name + " WHERE district = 'tiny'");
        assertThat(job.get("status").asText()).isEqualTo("RELEASED");
        JsonNode rows = api.get("/api/v1/jobs/" + job.get("id").asText() + "/result", "demo-consumer").json().get("rows");
        assertThat(rows).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "SELECT * FROM %s|SQL_STAR_NOT_ALLOWED",
            "SELECT person_id, COUNT(*) FROM %s GROUP BY person_id|SQL_IDENTIFIER_EXPRESSION",
            "SELECT COUNT(*) FROM %s WHERE person_id = 'P1'|SQL_IDENTIFIER_EXPRESSION",
            "SELECT COUNT(*) FROM %s WHERE CASE WHEN person_id = 'P1' THEN 1 ELSE 0 END = 1|SQL_IDENTIFIER_EXPRESSION",
            "SELECT COUNT(*) FROM read_csv('/etc/passwd')|SQL_TABLE_FUNCTION",
            "SELECT COUNT(*) FROM '/etc/passwd'|SQL_TABLE_FUNCTION",
            "COPY %s TO '/tmp/x.csv'|SQL_NOT_SELECT",
            "ATTACH '/tmp/x.db' AS x|SQL_NOT_SELECT",
            "INSTALL httpfs|SQL_NOT_SELECT",
            "LOAD httpfs|SQL_NOT_SELECT",
            "SET enable_external_access = true|SQL_NOT_SELECT",
            "PRAGMA database_list|SQL_NOT_SELECT",
            "CREATE SECRET s (TYPE s3, KEY_ID 'k', SECRET 's')|SQL_NOT_SELECT",
            "SELECT COUNT(*) FROM %s; SELECT 1|SQL_MULTIPLE_STATEMENTS",
            "SELECT district, SUM(income) OVER () FROM %s|SQL_WINDOW_FUNCTION",
            "SELECT COUNT(*) FROM %s UNION SELECT COUNT(*) FROM %s|SQL_SET_OPERATION",
            "SELECT COUNT(*) FROM %s WHERE hash(person_id) % 100 = 7|SQL_FUNCTION_NOT_ALLOWED",
    })
    void hostileOrForbiddenQueriesAreRejectedWithCodes(String sqlTemplate, String code) {
        String contract = flows.agree(flows.publish(flows.offer(dataset)));
        JsonNode job = flows.run(contract, sqlTemplate.replace("%s", name));
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("REJECTED");
        assertThat(job.get("reasons").toString()).contains(code);
        assertThat(job.toString()).doesNotContain("/etc/passwd").doesNotContain("'P1'");
    }

    @Test
    void dpBudgetRunsOutAndFurtherJobsAreRefused() {
        ObjectNode offer = flows.offer(dataset);
        Flows.withPrivacy(offer, 1.0, 2.0);
        String contract = flows.agree(flows.publish(offer));
        String sql = "SELECT district, COUNT(*) AS n FROM " + name + " GROUP BY district";
        assertThat(flows.run(contract, sql).get("status").asText()).isEqualTo("RELEASED");
        assertThat(flows.run(contract, sql).get("status").asText()).isEqualTo("RELEASED");
        JsonNode third = flows.run(contract, sql);
        assertThat(third.get("status").asText()).isEqualTo("REJECTED");
        assertThat(third.get("reasons").toString()).contains("BUDGET_EXHAUSTED");
    }

    @Test
    void otherOrganisationCannotUseTheContractOrReadTheResult() {
        String contract = flows.agree(flows.publish(flows.offer(dataset)));
        Response r = api.postJson("/api/v1/jobs", "demo-consumer-b",
                "{\"contractIds\":[\"" + contract + "\"],\"sql\":\"SELECT COUNT(*) FROM " + name + "\"}");
        assertThat(r.status()).isEqualTo(404);
        JsonNode job = flows.run(contract, "SELECT COUNT(*) AS n FROM " + name);
        assertThat(api.get("/api/v1/jobs/" + job.get("id").asText() + "/result", "demo-consumer-b").status()).isEqualTo(404);
    }

    @Test
    void providerApprovalIsRequiredWhenTheOfferSaysSo() {
        ObjectNode offer = flows.offer(dataset);
        offer.put("approval", "PROVIDER_APPROVES_JOB");
        String contract = flows.agree(flows.publish(offer));
        Response r = flows.submit(contract, "SELECT district, COUNT(*) AS n FROM " + name + " GROUP BY district");
        String id = r.json().get("id").asText();
        assertThat(flows.awaitJob(id, "AWAITING_APPROVAL").get("status").asText()).isEqualTo("AWAITING_APPROVAL");
        assertThat(api.request("POST", "/api/v1/jobs/" + id + "/approve", "demo-provider", "application/json", null).status()).isEqualTo(200);
        assertThat(flows.awaitJob(id).get("status").asText()).isEqualTo("RELEASED");
    }

    @Test
    void everyJobTransitionIsOnTheLedgerOutbox() {
        String contract = flows.agree(flows.publish(flows.offer(dataset)));
        JsonNode job = flows.run(contract, "SELECT district, COUNT(*) AS n FROM " + name + " GROUP BY district");
        String id = job.get("id").asText();
        List<String> types = jdbc.queryForList(
                "SELECT event_json FROM ledger_outbox WHERE event_json LIKE ? ORDER BY seq", String.class, "%" + id + "%")
                .stream().map(s -> s.replaceAll(".*\"type\":\"([A-Za-z]+)\".*", "$1")).toList();
        assertThat(types).containsSubsequence("JobSubmitted", "JobAnalysed", "JobRunning", "JobExecuted", "ResultReleased");
        String all = String.join("\n", jdbc.queryForList("SELECT event_json FROM ledger_outbox WHERE event_json LIKE ?", String.class, "%" + id + "%"));
        assertThat(all).doesNotContain("north").doesNotContain("P1,");
    }

    @Test
    void malformedJobRequestsGetProblems() {
        assertThat(api.postJson("/api/v1/jobs", "demo-consumer", "{\"contractIds\":[],\"sql\":\"SELECT 1\"}").code()).isEqualTo("JOB_CONTRACTS_INVALID");
        assertThat(api.postJson("/api/v1/jobs", "demo-consumer", "{nope").code()).isEqualTo("MALFORMED_JSON");
        assertThat(api.postJson("/api/v1/jobs", "demo-consumer", "{\"contractIds\":[\"00000000-0000-0000-0000-000000000000\"],\"sql\":\"SELECT 1\"}").status()).isEqualTo(404);
        String contract = flows.agree(flows.publish(flows.offer(dataset)));
        assertThat(api.postJson("/api/v1/jobs", "demo-consumer", "{\"contractIds\":[\"" + contract + "\"],\"sql\":\"" + "x".repeat(20_001) + "\"}").code())
                .isEqualTo("SQL_TOO_LONG");
        assertThat(api.postJson("/api/v1/jobs", "demo-consumer", "{\"contractIds\":[\"" + contract + "\"],\"sql\":\"SELECT 1\",\"extra\":1}").code())
                .isEqualTo("MALFORMED_JSON");
    }
}
