package io.veil.gateway.datasets;

import io.veil.gateway.support.TestDatabases;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V9 (ADR 0020) on H2 and PostgreSQL: exact statistics stored before are erased (they read as "no
 * statistics"), the catalog keeps working, and peers' cached catalogs with exact counts are dropped.
 */
abstract class CatalogStatisticsMigrationTest {
    protected abstract DataSource beforeV9();

    @Test
    void exactStatisticsStoredBeforeAreErasedAndPeersCopiesDropped() {
        DataSource ds = beforeV9();
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        JdbcDatasetStore store = new JdbcDatasetStore(jdbc);
        Dataset d = DatasetStoreContractTest.dataset("org-a", "legacy");
        String exact = "{\"district\":{\"nullCount\":1,\"frequentValues\":{\"north\":41},\"mean\":5123.4}}";
        DatasetVersion v = DatasetStoreContractTest.version(d.id(), 1);
        store.insert(d, new DatasetVersion(v.datasetId(), 1, v.digest(), v.rowCount(), v.sizeBytes(), v.schemaJson(), exact,
                v.blobName(), v.wrappedKey(), v.zoneKeyVersion(), v.createdAt()));
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update("INSERT INTO remote_datasets(zone_id,dataset_id,name,zone_tier,owner_org,current_version,created_at,fetched_at,"
                + "search_text,tags_json,meta_json,stats_json,preview_json) VALUES ('zone-b','x','n','SOCIAL','org-b',1,?,?,'n','[]',"
                + "'{\"rowCount\":41}',?,'{}')", now, now, exact);

        TestDatabases.migrate(ds, null);

        assertThat(store.version(d.id(), 1).orElseThrow().statsJson()).isEqualTo("{}");
        assertThat(store.find(d.id())).isPresent();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM remote_datasets", Long.class)).isZero();
    }
}

class H2CatalogStatisticsMigrationTest extends CatalogStatisticsMigrationTest {
    @Override
    protected DataSource beforeV9() {
        return TestDatabases.freshH2At("8");
    }
}

class PostgresCatalogStatisticsMigrationTest extends CatalogStatisticsMigrationTest {
    @Override
    protected DataSource beforeV9() {
        return TestDatabases.freshPostgresAt("8");
    }
}
