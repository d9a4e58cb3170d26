package io.veil.gateway.metering;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.gateway.offers.ContractFixtures;
import io.veil.gateway.support.ApiClient.Response;
import io.veil.gateway.support.GatewayTest;
import io.veil.policy.UsageRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatementTest extends GatewayTest {
    @Autowired
    MeteringService metering;
    @Autowired
    TransactionTemplate tx;
    ContractFixtures fx;
    /** A day of its own in the past, so charges of other tests never fall into this test's statements. */
    Instant day;

    @BeforeEach
    void setUp() {
        fx = new ContractFixtures(api);
        day = Instant.parse("2001-01-01T00:00:00Z").plus(ThreadLocalRandom.current().nextInt(7000), ChronoUnit.DAYS);
    }

    void record(String contract, String price, String currency, List<String> datasets, long minute) {
        UsageRecord u = new UsageRecord("job-" + UUID.randomUUID(), contract, 1_500_000, 20, 500_000, new BigDecimal(price), currency);
        tx.executeWithoutResult(s -> metering.record(u, ContractFixtures.PROVIDER_ORG, datasets, day.plusSeconds(60 * minute)));
    }

    String period() {
        return "from=" + day + "&to=" + day.plus(1, ChronoUnit.DAYS);
    }

    @Test
    void statementsSumTheRecordedUsageExactly() {
        String c1 = fx.agreed();
        String c2 = fx.agreed();
        record(c1, "10.00", "CNY", List.of("ds-a"), 1);
        record(c1, "10.00", "CNY", List.of("ds-a"), 2);
        record(c2, "0.10", "CNY", List.of("ds-a", "ds-b", "ds-c"), 3);
        record(c2, "1.25", "USD", List.of("ds-b"), 4);

        JsonNode charges = api.get("/api/v1/statements/charges?" + period(), "demo-consumer").json();
        assertThat(charges.get("items")).hasSize(4);
        assertThat(charges.at("/items/0/contractId").asText()).isEqualTo(c1);
        assertThat(charges.at("/items/0/price").asText()).isEqualTo("10.00");
        assertThat(charges.get("totals").toString())
                .isEqualTo("[{\"currency\":\"CNY\",\"amount\":\"20.10\",\"charges\":3},{\"currency\":\"USD\",\"amount\":\"1.25\",\"charges\":1}]");

        JsonNode revenue = api.get("/api/v1/statements/revenue?granularity=DAY&" + period(), "demo-provider").json();
        String d = day.toString().substring(0, 10);
        assertThat(revenue.get("items").toString()).isEqualTo("["
                + "{\"datasetId\":\"ds-a\",\"period\":\"" + d + "\",\"currency\":\"CNY\",\"amount\":\"20.04\",\"charges\":3},"
                + "{\"datasetId\":\"ds-b\",\"period\":\"" + d + "\",\"currency\":\"CNY\",\"amount\":\"0.03\",\"charges\":1},"
                + "{\"datasetId\":\"ds-b\",\"period\":\"" + d + "\",\"currency\":\"USD\",\"amount\":\"1.25\",\"charges\":1},"
                + "{\"datasetId\":\"ds-c\",\"period\":\"" + d + "\",\"currency\":\"CNY\",\"amount\":\"0.03\",\"charges\":1}]");
        assertThat(revenue.get("totals").toString()).isEqualTo(charges.get("totals").toString());

        assertThat(api.get("/api/v1/statements/charges?" + period(), "demo-consumer-b").json().get("items")).isEmpty();
    }

    @Test
    void aFlatPeriodFeeIsChargedOnceWhenTheContractIsAgreed() {
        String offer = fx.offer(o -> o.putObject("price").put("model", "FLAT_PERIOD").put("amount", "99.50").put("currency", "EUR"));
        String contract = fx.agreed(offer);
        Instant now = Instant.now();
        JsonNode charges = api.get("/api/v1/statements/charges?from=" + now.minusSeconds(3600) + "&to=" + now.plusSeconds(60), "demo-consumer").json();
        List<JsonNode> mine = charges.get("items").findParents("contractId").stream()
                .filter(n -> n.get("contractId").asText().equals(contract)).toList();
        assertThat(mine).hasSize(1);
        assertThat(mine.get(0).get("kind").asText()).isEqualTo("AGREEMENT");
        assertThat(mine.get(0).get("price").asText()).isEqualTo("99.50");
    }

    @Test
    void usageIsOnlyRecordedInsideACallersTransaction() {
        String c = fx.agreed();
        UsageRecord u = new UsageRecord("job-" + UUID.randomUUID(), c, 1, 1, 0, BigDecimal.ONE, "CNY");
        assertThatThrownBy(() -> metering.record(u, ContractFixtures.PROVIDER_ORG, List.of("ds-a")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void statementParametersAreStrict() {
        String ok = period();
        assertThat(code("/api/v1/statements/charges", "demo-consumer")).isEqualTo("MISSING_PARAMETER");
        assertThat(code("/api/v1/statements/charges?from=" + day, "demo-consumer")).isEqualTo("MISSING_PARAMETER");
        assertThat(code("/api/v1/statements/charges?" + ok + "&org=demo-provider-org", "demo-consumer")).isEqualTo("UNKNOWN_PARAMETER");
        assertThat(code("/api/v1/statements/charges?" + ok + "&from=" + day, "demo-consumer")).isEqualTo("DUPLICATE_PARAMETER");
        assertThat(code("/api/v1/statements/charges?from=2024-01-01&to=2024-02-01T00:00:00Z", "demo-consumer")).isEqualTo("INVALID_PARAMETER");
        assertThat(code("/api/v1/statements/charges?from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z", "demo-consumer")).isEqualTo("INVALID_PERIOD");
        assertThat(code("/api/v1/statements/charges?from=2022-01-01T00:00:00Z&to=2024-01-01T00:00:00Z", "demo-consumer")).isEqualTo("PERIOD_TOO_LONG");
        assertThat(code("/api/v1/statements/revenue?" + ok + "&granularity=WEEK", "demo-provider")).isEqualTo("INVALID_PARAMETER");
        assertThat(api.get("/api/v1/statements/revenue?" + ok, "demo-consumer").status()).isEqualTo(403);
    }

    String code(String path, String client) {
        Response r = api.get(path, client);
        assertThat(r.status()).as(path).isEqualTo(400);
        return r.code();
    }
}
