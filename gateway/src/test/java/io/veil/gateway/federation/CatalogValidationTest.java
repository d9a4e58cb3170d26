package io.veil.gateway.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.crypto.SigningKey;
import io.veil.crypto.Suite;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A peer's catalog is authenticated input, still checked field by field. */
class CatalogValidationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final TrustedZone peer = new TrustedZone("zone-public", "PUBLIC", Suite.INTL, URI.create("https://127.0.0.1:1"),
            SigningKey.generate(Suite.INTL).verifyingKey());

    CatalogEntry entry(String zone, String tier, boolean synthetic, List<String> previewColumns) throws Exception {
        return entry(zone, tier, synthetic, previewColumns, "{\"minEntities\":10,\"threshold\":24,\"entities\":1200,"
                + "\"columns\":{\"income\":{\"nullEntities\":30},\"person_id\":{\"lengths\":{\"8-15\":1200}}}}");
    }

    CatalogEntry entry(String zone, String tier, boolean synthetic, List<String> previewColumns, String statistics) throws Exception {
        Map<String, String> roles = new LinkedHashMap<>();
        roles.put("person_id", "ENTITY_ID");
        roles.put("income", "METRIC");
        JsonNode schema = JSON.readTree("[{\"name\":\"person_id\",\"type\":\"VARCHAR\",\"role\":\"ENTITY_ID\"},"
                + "{\"name\":\"income\",\"type\":\"BIGINT\",\"role\":\"METRIC\"}]");
        return new CatalogEntry(UUID.randomUUID().toString(), "residents", "d", List.of("demo"), "l", "demo-provider-org",
                zone, tier, roles, 1, Instant.now(), null, 1200L, schema, JSON.readTree(statistics),
                new CatalogEntry.Preview(synthetic, previewColumns, List.of(Map.of("income", 1))));
    }

    @Test
    void acceptsAWellFormedEntry() throws Exception {
        assertThat(CatalogValidation.check(entry("zone-public", "PUBLIC", true, List.of("person_id", "income")), peer).name())
                .isEqualTo("residents");
    }

    @Test
    void refusesDatasetsOfAnotherZone() throws Exception {
        assertThatThrownBy(() -> CatalogValidation.check(entry("zone-social", "PUBLIC", true, List.of("person_id", "income")), peer))
                .isInstanceOf(CatalogValidation.Invalid.class).hasMessageContaining("zone");
    }

    @Test
    void refusesATierOtherThanConfigured() throws Exception {
        assertThatThrownBy(() -> CatalogValidation.check(entry("zone-public", "SOCIAL", true, List.of("person_id", "income")), peer))
                .isInstanceOf(CatalogValidation.Invalid.class).hasMessageContaining("tier");
    }

    @Test
    void refusesAPreviewNotMarkedSyntheticOrWithOtherColumns() throws Exception {
        assertThatThrownBy(() -> CatalogValidation.check(entry("zone-public", "PUBLIC", false, List.of("person_id", "income")), peer))
                .isInstanceOf(CatalogValidation.Invalid.class).hasMessageContaining("synthetic");
        assertThatThrownBy(() -> CatalogValidation.check(entry("zone-public", "PUBLIC", true, List.of("person_id", "secret")), peer))
                .isInstanceOf(CatalogValidation.Invalid.class).hasMessageContaining("preview columns");
    }

    @Test
    void keepsPublishedStatisticsAndDropsAnyOtherShape() throws Exception {
        CatalogEntry published = entry("zone-public", "PUBLIC", true, List.of("person_id", "income"));
        assertThat(CatalogValidation.check(published, peer).statistics()).isEqualTo(published.statistics());
        // What a peer on an older version exports: exact row-counted frequencies, null counts and moments.
        CatalogEntry exact = entry("zone-public", "PUBLIC", true, List.of("person_id", "income"),
                "{\"income\":{\"nullCount\":1,\"mean\":5123.4,\"stddev\":12.5}}");
        assertThat(CatalogValidation.check(exact, peer).statistics()).isNull();
        CatalogEntry extraField = entry("zone-public", "PUBLIC", true, List.of("person_id", "income"),
                "{\"minEntities\":10,\"threshold\":24,\"columns\":{\"income\":{\"nullEntities\":30,\"mean\":5123.4}}}");
        assertThat(CatalogValidation.check(extraField, peer).statistics()).isNull();
    }
}
