package io.veil.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.gateway.support.ApiClient.Part;
import io.veil.gateway.support.ApiClient.Response;
import io.veil.gateway.support.Flows;
import io.veil.gateway.support.GatewayTest;
import io.veil.gateway.support.Leaks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, classes 1, 2 and 5, attacked over HTTP as a consumer with one ordinary agreed contract:
 * real analysis, planning, bubblewrap worker and DuckDB. The dataset holds 120 people; the target,
 * P119, is alone in district 'rare' with income 987654; 'bonus' is set for P7 only; P60's floor number
 * is near the largest BIGINT and P61's is the smallest (overflow probes); P42's band is 'x12' among
 * '12's (a conversion probe). The offer allows SUM, AVG and COUNT — never MIN or MAX.
 */
class OutputPrivacyAttackTest extends GatewayTest {
    Flows flows;
    // One registration for the class: the Spring context is shared, and each test agrees its own contract.
    static String name;
    static String dataset;

    static String peopleCsv() {
        StringBuilder sb = new StringBuilder("person_id,district,band,floor_no,income,bonus\n");
        for (int i = 0; i < 120; i++) {
            String floor = i == 60 ? "9223372036854775000" : i == 61 ? "-9223372036854775808" : String.valueOf(i % 7);
            sb.append("P").append(i).append(',').append(i == 119 ? "rare" : "big").append(',').append(i == 42 ? "x12" : "12")
              .append(',').append(floor).append(',').append(i == 119 ? 987654 : 1000 + i).append(',')
              .append(i == 7 ? "4321.5" : "").append('\n');
        }
        return sb.toString();
    }

    @BeforeEach
    void setUp() {
        flows = new Flows(api);
        if (dataset != null) return;
        name = Flows.uniqueName("people");
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        parts.put("metadata", Part.json("{\"name\":\"" + name + "\",\"description\":\"attack target\",\"columns\":{\"person_id\":\"ENTITY_ID\","
                + "\"district\":\"DIMENSION\",\"band\":\"DIMENSION\",\"floor_no\":\"DIMENSION\",\"income\":\"METRIC\",\"bonus\":\"METRIC\"}}"));
        parts.put("file", Part.csv(name + ".csv", peopleCsv()));
        Response r = api.multipart("/api/v1/datasets", "demo-provider", parts);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        dataset = r.json().get("id").asText();
    }

    private ObjectNode offer() {
        ObjectNode o = flows.offer(dataset);
        ObjectNode rules = (ObjectNode) o.get("rules");
        ObjectNode aggs = rules.putObject("aggregates");
        aggs.putArray("income").add("SUM").add("AVG").add("COUNT");
        aggs.putArray("bonus").add("SUM").add("AVG").add("COUNT");
        aggs.putArray("*").add("COUNT");
        rules.putArray("dimensions").add("district").add("band").add("floor_no");
        rules.put("allowOrderBy", true);
        return o;
    }

    private String contract() {
        return flows.agree(flows.publish(offer()));
    }

    private JsonNode rows(JsonNode job) {
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("RELEASED");
        Response r = api.get("/api/v1/jobs/" + job.get("id").asText() + "/result", "demo-consumer");
        Leaks.assertNoToken(r.text(), "987654");
        Leaks.assertNoToken(r.text(), "4321.5");
        return r.json().get("rows");
    }

    private String rejection(String contract, String sql) {
        JsonNode job = flows.run(contract, sql.replace("people", name));
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("REJECTED");
        return job.get("reasons").get(0).get("code").asText();
    }

    @Test
    void ingestRecordsExactlyTheColumnsWithoutNulls() {
        // Used only by the planner (no support count where none is needed); a wrong "non-null" would unguard bonus.
        String stored = jdbc.queryForObject("SELECT non_null_columns FROM dataset_versions WHERE dataset_id = ?", String.class, dataset);
        assertThat(stored).contains("\"income\"").contains("\"district\"").doesNotContain("bonus");
    }

    @Test
    void conditionalAggregateOnSmallCellIsSuppressed() {
        String c = contract();
        JsonNode row = rows(flows.run(c, ("SELECT count(*) AS n, sum(income) FILTER (WHERE district = 'rare') AS s, "
                + "avg(income) FILTER (WHERE district <> 'big') AS a, count(*) FILTER (WHERE district = 'rare') AS c, "
                + "sum(bonus) AS b FROM people").replace("people", name))).get(0);
        assertThat(row.get(0).asLong()).isEqualTo(120);
        for (int i = 1; i < 5; i++) assertThat(row.get(i).isNull()).as(row.toString()).isTrue();
    }

    @Test
    void havingAndOrderByOverASmallCellCarryNoBit() {
        String c = contract();
        List<String> answers = new ArrayList<>();
        for (long guess : new long[] {900_000, 987_653, 987_654, 987_655, 1_100_000}) {
            String sql = ("SELECT band, count(*) AS n FROM people GROUP BY band HAVING sum(income) FILTER (WHERE district = 'rare') > "
                    + guess + " OR count(*) > 1000 ORDER BY sum(income) FILTER (WHERE district = 'rare') DESC, band").replace("people", name);
            answers.add(rows(flows.run(c, sql)).toString());
        }
        assertThat(answers).containsOnly("[]");
    }

    @Test
    void aggregateArgumentsMustBeBareColumns() {
        String c = contract();
        for (String arg : new String[] {"CASE WHEN district = 'rare' THEN income END", "floor(income / 987654)",
                "1 / (income - 987654)", "CAST(income AS INTEGER)", "coalesce(bonus, 0)", "income * 0 + 1"}) {
            assertThat(rejection(c, "SELECT sum(" + arg + ") FROM people")).as(arg).isEqualTo("SQL_AGGREGATE_ARGUMENT");
        }
    }

    @Test
    void maximumForbiddenByTheOfferCannotBeDerived() {
        String c = contract();
        assertThat(rejection(c, "SELECT max(income) FROM people")).isEqualTo("AGGREGATE_NOT_ALLOWED");
        assertThat(rejection(c, "SELECT sum(CASE WHEN income > 987000 THEN 1 ELSE 0 END) FROM people")).isEqualTo("SQL_AGGREGATE_ARGUMENT");
        assertThat(rejection(c, "SELECT count(*) FROM people WHERE income > 987000")).isEqualTo("COLUMN_ROLE_FORBIDDEN");
        assertThat(rejection(c, "SELECT count(*) FILTER (WHERE income > 987000) FROM people")).isEqualTo("COLUMN_ROLE_FORBIDDEN");
    }

    @Test
    void overflowCannotTurnAJobIntoAFailure() {
        String c = contract();
        List<String> answers = new ArrayList<>();
        for (String probe : new String[] {"floor_no * 2 > 0", "floor_no + 1000 > 0", "-floor_no > 0", "abs(floor_no) >= 0",
                "floor_no * 1000000000000000 > 0"}) {
            JsonNode job = flows.run(c, ("SELECT count(*) AS n FROM people WHERE district = 'big' OR " + probe).replace("people", name));
            answers.add(job.get("status").asText());
        }
        JsonNode agg = flows.run(c, ("SELECT district, count(*) * 1000000000000000 * 100000 AS big, sum(income) * sum(income) * sum(income) AS cube "
                + "FROM people GROUP BY district").replace("people", name));
        answers.add(agg.get("status").asText());
        assertThat(answers).containsOnly("RELEASED");
        assertThat(rows(agg).get(0).get(1).isNull()).isTrue();
    }

    @Test
    void textConversionsAndBadDatesAreRefusedNotAttempted() {
        String c = contract();
        assertThat(rejection(c, "SELECT count(*) FROM people WHERE band = 12")).isEqualTo("SQL_TYPE_MISMATCH");
        assertThat(rejection(c, "SELECT count(*) FROM people WHERE band IN (12, 13)")).isEqualTo("SQL_TYPE_MISMATCH");
        assertThat(rejection(c, "SELECT count(*) FROM people WHERE floor_no = '12'")).isEqualTo("SQL_TYPE_MISMATCH");
        JsonNode explicit = flows.run(c, "SELECT count(*) AS n FROM " + name + " WHERE CAST(band AS BIGINT) = 12");
        assertThat(explicit.get("status").asText()).isEqualTo("RELEASED");
    }

    @Test
    void nonFiniteValuesAreNeverReleased() {
        JsonNode row = rows(flows.run(contract(), "SELECT count(*) AS n, sum(income) / 0 AS inf, -sum(income) / 0 AS ninf FROM " + name)).get(0);
        assertThat(row.get(1).isNull()).isTrue();
        assertThat(row.get(2).isNull()).isTrue();
    }

    @Test
    void jobAndStatementViewsShowNoExactRowCountOrCpuTime() {
        JsonNode job = flows.run(contract(), "SELECT count(*) AS n FROM " + name);
        JsonNode usage = job.get("usage").get(0);
        assertThat(usage.has("rowsScanned")).isFalse();
        assertThat(usage.has("cpuMillis")).isFalse();
        assertThat(usage.get("rowsScannedMillions").asLong()).isEqualTo(1);
        String from = java.time.Instant.now().minusSeconds(3600).toString();
        String to = java.time.Instant.now().plusSeconds(3600).toString();
        JsonNode charges = api.get("/api/v1/statements/charges?from=" + from + "&to=" + to, "demo-consumer").json();
        assertThat(charges.get("items")).isNotEmpty();
        charges.get("items").forEach(i -> {
            assertThat(i.has("rowsScanned")).isFalse();
            assertThat(i.has("cpuMillis")).isFalse();
        });
    }

    @Test
    void dpConditionalAggregatesAndFlagsAreNoisy() {
        ObjectNode o = offer();
        ObjectNode p = o.putObject("privacy");
        p.put("epsilonPerQuery", 0.5);
        p.put("epsilonBudget", 100);
        ObjectNode bounds = p.putObject("contributionBounds");
        bounds.putArray("income").add(0).add(1_000_000);
        bounds.putArray("bonus").add(0).add(10_000);
        String c = flows.agree(flows.publish(o));
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            answers.add(rows(flows.run(c, "SELECT sum(income) FILTER (WHERE district = 'rare') AS s FROM " + name)).toString());
        }
        // Noise of scale 4e6 on each run: six identical answers would mean no noise was added.
        assertThat(answers.stream().distinct().count()).isGreaterThan(4);
    }
}
