package io.veil.gateway.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.gateway.support.ApiClient.Part;
import io.veil.gateway.support.ApiClient.Response;
import io.veil.gateway.support.Flows;
import io.veil.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Class 7 of issue 14 — catalog statistics — attacked over HTTP as any catalog reader could (ADR 0020):
 * counts in entities not rows, noisy and coarse, at the strictest k, for the latest version only.
 * Noise is judged by properties over many uploads, never by one value.
 */
class CatalogStatisticsTest extends GatewayTest {
    static final String ROLES = "{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\",\"age_band\":\"DIMENSION\",\"income\":\"METRIC\"}";
    static final String HEADER = "person_id,district,age_band,income\n";

    /** Rows of {@code people} new people (ids unique to this call) in {@code district}; every {@code nullEvery}-th has no income. */
    static String people(String district, int people, int rowsEach, int nullEvery) {
        String prefix = "P" + UUID.randomUUID().toString().substring(0, 8);
        StringBuilder sb = new StringBuilder();
        for (int p = 0; p < people; p++) {
            for (int r = 0; r < rowsEach; r++) {
                sb.append(prefix).append(p).append(',').append(district).append(",18-40,")
                  .append(nullEvery > 0 && p % nullEvery == 0 ? "" : String.valueOf(1000 + p)).append('\n');
            }
        }
        return sb.toString();
    }

    String register(String csv) {
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        parts.put("metadata", Part.json("{\"name\":\"" + Flows.uniqueName("cat") + "\",\"columns\":" + ROLES + "}"));
        parts.put("file", Part.csv("d.csv", HEADER + csv));
        Response r = api.multipart("/api/v1/datasets", "demo-provider", parts);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    void addVersion(String id, String csv) {
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        parts.put("file", Part.csv("d.csv", HEADER + csv));
        Response r = api.multipart("/api/v1/datasets/" + id + "/versions", "demo-provider", parts);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
    }

    JsonNode current(String id) {
        Response r = api.get("/api/v1/datasets/" + id, "demo-consumer");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode versions = r.json().get("versions");
        return versions.get(versions.size() - 1);
    }

    static long value(JsonNode version, String column, String value) {
        JsonNode v = version.path("statistics").path("columns").path(column).path("values").path(value);
        return v.isMissingNode() ? 0 : v.asLong();
    }

    static long nulls(JsonNode version, String column) {
        return version.path("statistics").path("columns").path(column).path("nullEntities").asLong(0);
    }

    @Test
    void catalogCountsEntitiesNotRows() {
        String lonely = "LONELY" + UUID.randomUUID().toString().substring(0, 6);
        // 40 people with 2 rows each, 40 with 1 row, and one person with 50 rows of their own district.
        String id = register(people("north", 40, 2, 0) + people("south", 40, 1, 0) + people(lonely, 1, 50, 0));
        JsonNode v = current(id);
        assertThat(v.has("rowCount")).isFalse();
        assertThat(v.get("approxEntities").asLong()).as("81 people, 170 rows").isBetween(61L, 101L);
        assertThat(value(v, "district", "north")).as("40 people, 80 rows").isBetween(26L, 54L);
        assertThat(v.get("statistics").get("columns").get("district").get("values").has(lonely)).isFalse();
        String preview = api.get("/api/v1/datasets/" + id + "/preview?rows=100", "demo-consumer").text();
        assertThat(preview).doesNotContain(lonely);
        assertThat(api.get("/api/v1/datasets/" + id, "demo-consumer").text()).doesNotContain(lonely);
    }

    @Test
    void complementOfPublishedFrequenciesDoesNotRevealTheRest() {
        // The attack: entities − Σ published values = the people behind suppressed values. With exact counts it is
        // exactly 1 when the target (alone in a rare district) is there and 0 when not, every time.
        List<Long> with = new ArrayList<>();
        List<Long> without = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            boolean target = i % 2 == 0;
            String csv = people("north", 45, 1, 0) + people("south", 45, 1, 0) + (target ? people("rare", 1, 1, 0) : "");
            JsonNode v = current(register(csv));
            long residue = v.get("approxEntities").asLong() - value(v, "district", "north") - value(v, "district", "south")
                    - nulls(v, "district");
            (target ? with : without).add(residue);
        }
        assertThat(new HashSet<>(with)).as("the residue is noise, not a count of hidden people").hasSizeGreaterThan(1);
        assertThat(new HashSet<>(without)).hasSizeGreaterThan(1);
        assertThat(with.stream().mapToLong(Long::longValue).min().orElseThrow())
                .as("no cut-off on the residue tells datasets with the target from those without")
                .isLessThanOrEqualTo(without.stream().mapToLong(Long::longValue).max().orElseThrow());
    }

    @Test
    void newVersionHidesTheOldVersionsStatistics() {
        String id = register(people("north", 45, 1, 0) + people("south", 45, 1, 3));
        addVersion(id, people("north", 50, 1, 0) + people("east", 45, 1, 0));
        JsonNode versions = api.get("/api/v1/datasets/" + id, "demo-consumer").json().get("versions");
        assertThat(versions).hasSize(2);
        JsonNode old = versions.get(0);
        assertThat(old.get("version").asInt()).isEqualTo(1);
        assertThat(old.has("createdAt")).isTrue();
        for (String hidden : List.of("statistics", "approxEntities", "rowCount", "sizeBytes", "schema")) {
            assertThat(old.has(hidden)).as(hidden + " of an old version").isFalse();
        }
        JsonNode latest = versions.get(1);
        assertThat(latest.get("statistics").get("columns").get("district").get("values").has("east")).isTrue();
        assertThat(latest.get("statistics").get("columns").get("district").get("values").has("south")).isFalse();
        // The list shows no statistics at all, for any version.
        JsonNode listed = api.get("/api/v1/datasets?limit=100&offset=0", "demo-consumer").json();
        assertThat(listed.toString()).doesNotContain("\"statistics\"").doesNotContain("\"rowCount\"");
    }

    @Test
    void versionDifferenceOfCountsIsNoisy() {
        // The attack: read the catalog, wait for the next version (= the last one plus one newcomer), read again.
        // With exact counts the newcomer's district and missing income are the counts that moved by exactly one.
        int identified = 0;
        List<Long> unchangedDiffs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String base = people("north", 45, 1, 0) + people("south", 45, 1, 0) + people("east", 45, 1, 1);
            String id = register(base);
            JsonNode v1 = current(id);
            addVersion(id, base + people("east", 1, 1, 1));
            JsonNode v2 = current(id);
            long east = value(v2, "district", "east") - value(v1, "district", "east");
            long north = value(v2, "district", "north") - value(v1, "district", "north");
            long south = value(v2, "district", "south") - value(v1, "district", "south");
            long nullIncome = nulls(v2, "income") - nulls(v1, "income");
            if (east == 1 && north == 0 && south == 0 && nullIncome == 1) identified++;
            unchangedDiffs.add(north);
            unchangedDiffs.add(south);
        }
        assertThat(identified).as("the newcomer's attributes cannot be read off the difference").isLessThan(4);
        assertThat(unchangedDiffs).as("counts nobody joined still move").anyMatch(d -> d != 0);
    }

    @Test
    void strictestOfferKAppliesToCatalog() {
        String id = register(people("small", 40, 1, 0) + people("big", 150, 1, 0));
        JsonNode before = current(id).get("statistics");
        assertThat(before.get("minEntities").asInt()).isEqualTo(10);
        assertThat(before.get("threshold").asInt()).isEqualTo(24);
        assertThat(before.get("columns").get("district").get("values").has("small")).isTrue();

        Flows flows = new Flows(api);
        ObjectNode offer = flows.offer(id);
        ((ObjectNode) offer.get("rules")).put("minEntities", 50);
        flows.publish(offer);
        ObjectNode laxer = flows.offer(id); // a later, laxer offer does not lower k again
        ((ObjectNode) laxer.get("rules")).put("minEntities", 5);
        flows.publish(laxer);

        JsonNode after = current(id).get("statistics");
        assertThat(after.get("minEntities").asInt()).isEqualTo(50);
        assertThat(after.get("threshold").asInt()).isEqualTo(64);
        assertThat(after.get("columns").get("district").get("values").has("small")).isFalse();
        assertThat(after.get("columns").get("district").get("values").has("big")).isTrue();
        JsonNode rows = api.get("/api/v1/datasets/" + id + "/preview?rows=100", "demo-consumer").json().get("rows");
        for (JsonNode row : rows) assertThat(row.get("district").asText()).isEqualTo("big");
    }

    @Test
    void statisticsNoiseIsDrawnOnce() {
        String id = register(people("north", 45, 1, 4) + people("south", 60, 2, 0));
        Response first = api.get("/api/v1/datasets/" + id, "demo-consumer");
        Response second = api.get("/api/v1/datasets/" + id, "demo-auditor");
        assertThat(second.json().get("versions")).isEqualTo(first.json().get("versions"));
        assertThat(api.get("/api/v1/datasets/" + id + "/preview?rows=50", "demo-consumer").json())
                .isEqualTo(api.get("/api/v1/datasets/" + id + "/preview?rows=50", "demo-consumer").json());
    }

    @Test
    void nullCountsOfFewEntitiesAreNotPublished() {
        // One person without income among 80: an exact null count of 1 would single them out.
        String id = register(people("north", 79, 1, 0) + people("south", 1, 3, 1));
        JsonNode income = current(id).get("statistics").get("columns").get("income");
        assertThat(income.has("nullEntities")).isFalse();
    }

    @Test
    void metricMomentsAreNeverPublished() {
        // A newcomer with an extreme income would move a published mean by x/n.
        String id = register(people("north", 60, 1, 0));
        addVersion(id, people("north", 60, 1, 0) + "OUTLIER,north,18-40,900000000000\n");
        JsonNode income = current(id).get("statistics").get("columns").get("income");
        for (Iterator<String> f = income.fieldNames(); f.hasNext(); ) assertThat(f.next()).isEqualTo("nullEntities");
        assertThat(api.get("/api/v1/datasets/" + id, "demo-consumer").text()).doesNotContain("9000000");
    }

    @Test
    void onlyTheOwningProviderSeesExactRowCounts() {
        String id = register(people("north", 45, 2, 0));
        JsonNode owner = api.get("/api/v1/datasets/" + id, "demo-provider").json().get("versions").get(0);
        assertThat(owner.get("rowCount").asLong()).isEqualTo(90);
        assertThat(owner.get("sizeBytes").asLong()).isPositive();
        JsonNode consumer = current(id);
        assertThat(consumer.has("rowCount")).isFalse();
        assertThat(consumer.has("sizeBytes")).isFalse();
    }
}
