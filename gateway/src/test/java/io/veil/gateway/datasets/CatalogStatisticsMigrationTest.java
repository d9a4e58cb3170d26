package io.veil.gateway.datasets;

import io.veil.gateway.support.TestDatabases;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V10 (ADR 0020) on H2 and PostgreSQL: exact statistics stored before are erased (they read as "no
 * statistics"), the catalog keeps working, and peers' cached catalogs with exact counts are dropped.
 */
abstract class CatalogStatisticsMigrationTest {
    protected abstract DataSource beforeV10();

    @Test
    void exactStatisticsStoredBeforeAreErasedAndPeersCopiesDropped() {
        DataSource ds = beforeV10();
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        JdbcDatasetStore store = new JdbcDatasetStore(jdbc);
        Dataset d = DatasetStoreContractTest.dataset("org-a", "legacy");
        String exact = "{\"district\":{\"nullCount\":1,\"frequentValues\":{\"north\":41},\"mean\":5123.4}}";
        DatasetVersion v = DatasetStoreContractTest.version(d.id(), 1);
        Timestamp now = Timestamp.from(Instant.now());
        // Written as a node at V9 wrote rows (today's store writes columns added later).
        jdbc.update("INSERT INTO datasets(id,name,description,tags_json,license,owner_org,zone_id,zone_tier,roles_json,current_version,"
                + "created_at,search_text) VALUES (?,?,?,'[]',?,?,?,?,'{\"person_id\":\"ENTITY_ID\"}',1,?,?)", d.id(), d.name(),
                d.description(), d.license(), d.ownerOrg(), d.zoneId(), d.zoneTier(), now, d.name());
        jdbc.update("INSERT INTO dataset_versions(dataset_id,version,content_commitment,row_count,size_bytes,schema_json,stats_json,"
                + "blob_name,wrapped_key,zone_key_version,created_at) VALUES (?,1,?,?,?,?,?,?,?,?,?)", d.id(), v.contentCommitment(),
                v.rowCount(), v.sizeBytes(), v.schemaJson(), exact, v.blobName(), v.wrappedKey(), v.zoneKeyVersion(), now);
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
    protected DataSource beforeV10() {
        return TestDatabases.freshH2At("9");
    }
}

class PostgresCatalogStatisticsMigrationTest extends CatalogStatisticsMigrationTest {
    @Override
    protected DataSource beforeV10() {
        return TestDatabases.freshPostgresAt("9");
    }
}
