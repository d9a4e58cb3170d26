package io.veil.gateway.ingest;

import io.veil.sandbox.privacy.SecureNoise;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The catalog's exact tallies (entities, not rows) and how they become stored noisy counts (ADR 0020). */
class CatalogCountsTest {
    static final SecureNoise NOISE = new SecureNoise();
    static final Map<String, String> ROLES = new LinkedHashMap<>(Map.of(
            "person_id", "ENTITY_ID", "district", "DIMENSION", "income", "METRIC", "diagnosis", "SENSITIVE"));

    static CatalogCounts ingest(String csv, Map<String, String> roles) {
        return CsvIngest.ingest(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), roles,
                IngestLimits.defaults(), OutputStream.nullOutputStream()).counts();
    }

    /** 60 people with 3 rows each in "north"; one person with 50 rows in "lonely". */
    static String repeatedRows() {
        StringBuilder sb = new StringBuilder("person_id,district,income,diagnosis\n");
        for (int p = 0; p < 60; p++) for (int r = 0; r < 3; r++) sb.append("P").append(p).append(",north,").append(r).append(",dx\n");
        for (int r = 0; r < 50; r++) sb.append("LONER,lonely,").append(r).append(",longer-diagnosis\n");
        return sb.toString();
    }

    static Tally value(CatalogCounts c, String column, String value) {
        return c.columns().get(column).values().stream().filter(t -> t.label().equals(value)).findFirst().orElseThrow();
    }

    @Test
    void valuesAreCountedInDistinctEntitiesNotRows() {
        CatalogCounts c = ingest(repeatedRows(), ROLES);
        assertThat(value(c, "district", "north").rows()).isEqualTo(180);
        assertThat(value(c, "district", "north").entities().count()).isEqualTo(60);
        assertThat(value(c, "district", "lonely").rows()).isEqualTo(50);
        assertThat(value(c, "district", "lonely").entities().count()).isEqualTo(1);
        assertThat(c.version().entities().count()).isEqualTo(61);
    }

    @Test
    void onePersonWithManyRowsNeverMakesAValueStored() {
        CatalogCounts c = ingest(repeatedRows(), ROLES);
        for (int i = 0; i < 200; i++) {
            StoredStatistics s = c.noised(false, 10, NOISE);
            assertThat(s.columns().get("district").values()).doesNotContainKey("lonely").containsKey("north");
            assertThat(s.columns().get("diagnosis").lengths()).doesNotContainKey("16-31"); // only LONER's value is that long
        }
    }

    @Test
    void metricsAndSensitiveValuesAreNeverSummarised() {
        CatalogCounts c = ingest(repeatedRows(), ROLES);
        ColumnCounts income = c.columns().get("income");
        assertThat(income.values()).isNull();
        assertThat(income.lengths()).isNull();
        assertThat(income.distinct()).isNull();
        assertThat(c.columns().get("diagnosis").values()).isNull(); // only length bands
        StoredStatistics.Column stored = c.noised(false, 10, NOISE).columns().get("income");
        assertThat(stored.values()).isNull();
        assertThat(stored.lengths()).isNull();
        assertThat(stored.distinct()).isNull();
    }

    @Test
    void storedCountsAreNoisyIntegersCentredOnTheTruth() {
        CatalogCounts c = ingest(repeatedRows(), ROLES);
        Set<Long> seen = new HashSet<>();
        long sum = 0;
        int n = 2_000;
        for (int i = 0; i < n; i++) {
            long north = c.noised(false, 10, NOISE).columns().get("district").values().get("north");
            seen.add(north);
            sum += north;
        }
        // Discrete Laplace of scale 1: variance ≈ 1.84, so the mean of 2,000 draws is within ±0.2 of 60 (7 σ).
        assertThat((double) sum / n).isBetween(59.8, 60.2);
        assertThat(seen.size()).as("not one deterministic value").isGreaterThanOrEqualTo(5);
    }

    @Test
    void aDatasetWithoutEntityColumnCountsRowsAsEntities() {
        Map<String, String> roles = new LinkedHashMap<>(Map.of("district", "DIMENSION", "income", "METRIC"));
        StringBuilder csv = new StringBuilder("district,income\n");
        for (int i = 0; i < 70; i++) csv.append("north,").append(i).append('\n');
        CatalogCounts c = ingest(csv.toString(), roles);
        assertThat(value(c, "district", "north").entities()).isNull();
        long north = c.noised(false, 10, NOISE).columns().get("district").values().get("north");
        assertThat(north).isBetween(50L, 90L);
    }

    @Test
    void aNullEntityIdCountsAsNoEntity() {
        StringBuilder csv = new StringBuilder("person_id,district,income,diagnosis\n");
        for (int i = 0; i < 5; i++) csv.append(",north,1,dx\n");
        csv.append("P1,north,1,dx\n");
        CatalogCounts c = ingest(csv.toString(), ROLES);
        assertThat(value(c, "district", "north").entities().count()).isEqualTo(1);
        assertThat(c.version().entities().count()).isEqualTo(1);
    }

    @Test
    void aSketchIsExactUpToItsCapThenWithinAFewPercent() {
        long[] budget = {1 << 20};
        EntitySketch s = new EntitySketch(128, 10, budget);
        for (int i = 1; i <= 128; i++) s.add(EntitySketch.hash(("P" + i).toCharArray(), 0, ("P" + i).length(), 42));
        assertThat(s.exact()).isTrue();
        assertThat(s.count()).isEqualTo(128);
        for (int i = 129; i <= 20_000; i++) s.add(EntitySketch.hash(("P" + i).toCharArray(), 0, ("P" + i).length(), 42));
        assertThat(s.exact()).isFalse();
        assertThat((double) s.count()).isBetween(20_000 * 0.9, 20_000 * 1.1);
    }

    @Test
    void aCountWhoseSketchRanOutOfMemoryIsNeverStored() {
        EntitySketch s = new EntitySketch(128, 10, new long[]{100});
        for (int i = 1; i <= 50; i++) s.add(i);
        assertThat(s.known()).isFalse();
        CatalogCounts c = new CatalogCounts(new Tally(null, 50, s), true, Map.of("district",
                new ColumnCounts(new Tally(null, 0, s), java.util.List.of(new Tally("north", 50, s)), null,
                        new ColumnCounts.Distinct(1, true, 0))));
        StoredStatistics stored = c.noised(false, 10, NOISE);
        assertThat(stored.entities()).isNull();
        assertThat(stored.columns().get("district").nulls()).isNull();
        assertThat(stored.columns().get("district").values()).isEmpty();
    }

    @Test
    void publishedStatisticsShowOnlyCountsReachingTheThresholdRoundedToTwoDigits() {
        StoredStatistics s = new StoredStatistics(StoredStatistics.FORMAT, 1234L, Map.of("district",
                new StoredStatistics.Column(30L, Map.of("north", 1187L, "south", 40L), null, 2L, true)));
        PublishedStatistics k10 = s.publish(10);
        assertThat(k10.threshold()).isEqualTo(24);
        assertThat(k10.entities()).isEqualTo(1200);
        assertThat(k10.columns().get("district").values()).containsExactly(Map.entry("north", 1200L), Map.entry("south", 40L));
        assertThat(k10.columns().get("district").nullEntities()).isEqualTo(30);
        PublishedStatistics k30 = s.publish(30);
        assertThat(k30.columns().get("district").values()).containsOnlyKeys("north");
        assertThat(k30.columns().get("district").nullEntities()).isNull();
        PublishedStatistics k2000 = s.publish(2000);
        assertThat(k2000.entities()).isNull();
        assertThat(k2000.columns()).isEmpty();
        // Statistics stored before ADR 0020 (no format) are exact: never shown.
        assertThat(new StoredStatistics(0, 1234L, s.columns()).publish(10).columns()).isEmpty();
    }

    @Test
    void tooManyDistinctValuesListNone() {
        StoredStatistics s = new StoredStatistics(StoredStatistics.FORMAT, 100_000L, Map.of(
                "city", new StoredStatistics.Column(0L, Map.of("a", 5000L), null, 9000L, true),
                "street", new StoredStatistics.Column(0L, null, null, 30L, false)));
        PublishedStatistics p = s.publish(10);
        assertThat(p.columns().get("city").values()).isNull();
        assertThat(p.columns().get("city").highCardinality()).isTrue();
        assertThat(p.columns().get("street").highCardinality()).isTrue();
    }

    @Test
    void coarseRoundsToTwoSignificantDigits() {
        assertThat(StoredStatistics.coarse(87)).isEqualTo(87);
        assertThat(StoredStatistics.coarse(1234)).isEqualTo(1200);
        assertThat(StoredStatistics.coarse(1250)).isEqualTo(1300);
        assertThat(StoredStatistics.coarse(999_999)).isEqualTo(1_000_000);
        assertThat(StoredStatistics.coarse(-3)).isZero();
    }
}
