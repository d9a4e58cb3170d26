package io.veil.gateway.datasets;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** One contract for every {@link DatasetStore} implementation/database (H2 and PostgreSQL). */
abstract class DatasetStoreContractTest {
    protected abstract DataSource dataSource();

    DatasetStore store;

    @BeforeEach
    void setUp() {
        store = new JdbcDatasetStore(new JdbcTemplate(dataSource()));
    }

    static Dataset dataset(String org, String name) {
        LinkedHashMap<String, String> roles = new LinkedHashMap<>();
        roles.put("person_id", "ENTITY_ID");
        roles.put("district", "DIMENSION");
        return new Dataset(UUID.randomUUID().toString(), name, "Residents of " + name, List.of("public", "demo"), "CC-BY",
                org, "zone-a", "PUBLIC", roles, 1, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    static DatasetVersion version(String id, int v) {
        return new DatasetVersion(id, v, "ab".repeat(32), 10L * v, 100, "[]", "{}", BlobStore.blobName(id, v), "d3JhcHBlZA==",
                "v1", Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void insertsAndFindsWithRolesInOrder() {
        Dataset d = dataset("org-a", "residents");
        assertThat(store.insert(d, version(d.id(), 1))).isTrue();
        Dataset found = store.find(d.id()).orElseThrow();
        assertThat(found).isEqualTo(d);
        assertThat(new ArrayList<>(found.roles().keySet())).containsExactly("person_id", "district");
        assertThat(store.findByOwnerAndName("org-a", "residents")).contains(d);
        assertThat(store.versions(d.id())).hasSize(1);
    }

    @Test
    void keepsTheColumnsIngestProvedFreeOfNulls() {
        Dataset d = dataset("org-a", "nonnull");
        DatasetVersion base = version(d.id(), 1);
        DatasetVersion v = new DatasetVersion(base.datasetId(), 1, base.contentCommitment(), base.rowCount(), base.sizeBytes(),
                base.schemaJson(), base.statsJson(), base.blobName(), base.wrappedKey(), base.zoneKeyVersion(), base.createdAt(),
                null, "person_id", java.util.Set.of("person_id", "district"));
        assertThat(store.insert(d, v)).isTrue();
        assertThat(store.version(d.id(), 1).orElseThrow().nonNullColumns()).containsExactlyInAnyOrder("person_id", "district");
        Dataset unknown = dataset("org-a", "unknown");
        assertThat(store.insert(unknown, version(unknown.id(), 1))).isTrue();
        assertThat(store.version(unknown.id(), 1).orElseThrow().nonNullColumns()).isEmpty();
    }

    @Test
    void sameNameForSameOrgIsRefusedButOtherOrgMayUseIt() {
        Dataset a = dataset("org-a", "dup");
        assertThat(store.insert(a, version(a.id(), 1))).isTrue();
        Dataset b = dataset("org-a", "dup");
        assertThat(store.insert(b, version(b.id(), 1))).isFalse();
        Dataset c = dataset("org-b", "dup");
        assertThat(store.insert(c, version(c.id(), 1))).isTrue();
    }

    @Test
    void concurrentVersionUploadsCannotBothWin() throws Exception {
        Dataset d = dataset("org-a", "conc");
        store.insert(d, version(d.id(), 1));
        ConcurrentLinkedQueue<Boolean> results = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    results.add(store.addVersion(version(d.id(), 2)));
                } catch (Exception e) {
                    results.add(false);
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) t.join();
        assertThat(results.stream().filter(b -> b).count()).isEqualTo(1);
        assertThat(store.find(d.id()).orElseThrow().currentVersion()).isEqualTo(2);
        assertThat(store.versions(d.id())).hasSize(2);
    }

    @Test
    void searchMatchesTextAndTagAndPaginates() {
        String marker = "zz" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 5; i++) {
            Dataset d = dataset("org-s", marker + "_" + i);
            store.insert(d, version(d.id(), 1));
        }
        assertThat(store.count(marker, null)).isEqualTo(5);
        assertThat(store.search(marker, null, 0, 2)).hasSize(2);
        assertThat(store.search(marker, null, 4, 2)).hasSize(1);
        assertThat(store.search(marker, "public", 0, 10)).hasSize(5);
        assertThat(store.search(marker, "nosuchtag", 0, 10)).isEmpty();
        assertThat(store.count("100%_literal", null)).isZero();
    }

    @Test
    void updatesWrappedKeyForRotation() {
        Dataset d = dataset("org-k", "keys");
        store.insert(d, version(d.id(), 1));
        store.updateWrappedKey(d.id(), 1, "bmV3", "v2");
        DatasetVersion v = store.version(d.id(), 1).orElseThrow();
        assertThat(v.wrappedKey()).isEqualTo("bmV3");
        assertThat(v.zoneKeyVersion()).isEqualTo("v2");
        assertThat(store.allBlobNames()).contains(v.blobName());
    }
}

class H2DatasetStoreTest extends DatasetStoreContractTest {
    private final DataSource ds = io.veil.gateway.support.TestDatabases.freshH2();

    @Override
    protected DataSource dataSource() { return ds; }
}

class PostgresDatasetStoreTest extends DatasetStoreContractTest {
    private static DataSource ds;

    @Override
    protected DataSource dataSource() {
        if (ds == null) ds = io.veil.gateway.support.TestDatabases.freshPostgres();
        return ds;
    }
}
