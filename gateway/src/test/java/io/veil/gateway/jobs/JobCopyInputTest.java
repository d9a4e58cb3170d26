package io.veil.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.crypto.DataKey;
import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.datasets.BlobStore;
import io.veil.gateway.datasets.DatasetService;
import io.veil.gateway.ingest.ColumnInfo;
import io.veil.gateway.ingest.JobCopy;
import io.veil.gateway.ingest.RamSpool;
import io.veil.gateway.support.ApiClient.Part;
import io.veil.gateway.support.ApiClient.Response;
import io.veil.gateway.support.Flows;
import io.veil.gateway.support.GatewayTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ADR 0015 and 0019 end to end over HTTP with the real bubblewrap worker: every version gets an
 * encrypted DuckDB job copy that jobs read; versions with a Parquet copy, or none (stored before),
 * run from those with the same released result; entity uniqueness is proven at ingest or not claimed.
 */
class JobCopyInputTest extends GatewayTest {
    static final String QUERY = "SELECT district, age_band, COUNT(*) AS n, SUM(income) AS total, AVG(income) AS mean FROM %s "
            + "GROUP BY district, age_band";
    Flows flows;
    @Autowired
    RamSpool spool;

    @Autowired
    ZoneKeyStore keys;

    @BeforeEach
    void setUp() {
        flows = new Flows(api);
    }

    Map<String, Object> version(String dataset) {
        return jdbc.queryForMap("SELECT parquet_blob_name, unique_entity_column FROM dataset_versions WHERE dataset_id = ?", dataset);
    }

    @Test
    void versionIsStoredAsAnEncryptedDuckDbCopyBesideItsCsvBlobAndNothingStaysInRam() throws Exception {
        String name = Flows.uniqueName("db");
        String dataset = flows.registerResidents(name);
        Map<String, Object> v = version(dataset);
        assertThat(v.get("parquet_blob_name")).isEqualTo(dataset + ".v1.duckdb.enc");
        assertThat(v.get("unique_entity_column")).isEqualTo("person_id");
        byte[] blob = Files.readAllBytes(dataDir().resolve("blobs").resolve(dataset + ".v1.duckdb.enc"));
        String text = new String(blob, StandardCharsets.ISO_8859_1);
        assertThat(text).doesNotContain("DUCK").doesNotContain("VEILDDB1").doesNotContain("north").doesNotContain("person_id");
        assertThat(Files.exists(dataDir().resolve("blobs").resolve(dataset + ".v1.enc"))).as("the CSV blob stays").isTrue();
        try (Stream<Path> shm = Files.list(Path.of("/dev/shm"))) {
            assertThat(shm.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("veil-copy-"))).isEmpty();
        }
    }

    @Test
    void jobsOverTheDuckDbCopyTheParquetCopyAndTheCsvFallbackReleaseTheSameResult() throws Exception {
        String name = Flows.uniqueName("db");
        String dataset = flows.registerResidents(name);
        String contract = flows.agree(flows.publish(flows.offer(dataset)));
        List<String> fromDuckDb = released(flows.run(contract, QUERY.formatted(name)));
        // As a version stored between ADR 0015 and 0019 looks: a Parquet copy, made by the same code.
        jdbc.update("UPDATE dataset_versions SET parquet_blob_name = ? WHERE dataset_id = ?", parquetCopy(dataset), dataset);
        List<String> fromParquet = released(flows.run(contract, QUERY.formatted(name)));
        // As a version stored before ADR 0015 looks: CSV only, entity uniqueness unknown.
        jdbc.update("UPDATE dataset_versions SET parquet_blob_name = NULL, unique_entity_column = NULL WHERE dataset_id = ?", dataset);
        List<String> fromCsv = released(flows.run(contract, QUERY.formatted(name)));
        assertThat(fromDuckDb).isNotEmpty().isEqualTo(fromParquet).isEqualTo(fromCsv);
        assertThat(String.join("\n", fromDuckDb)).doesNotContain("tiny");
    }

    /** Makes version 1's Parquet copy as ingest did before ADR 0019, from its CSV blob (decrypted on /dev/shm only), and stores it. */
    private String parquetCopy(String dataset) throws Exception {
        Map<String, Object> row = jdbc.queryForMap("SELECT wrapped_key, zone_key_version, schema_json FROM dataset_versions "
                + "WHERE dataset_id = ? AND version = 1", dataset);
        DataKey key = keys.unwrap(new ZoneKeyStore.WrappedKey((String) row.get("zone_key_version"),
                Base64.getDecoder().decode((String) row.get("wrapped_key"))));
        List<ColumnInfo> schema = new ObjectMapper().readValue((String) row.get("schema_json"), new TypeReference<>() {});
        Path csv = Path.of("/dev/shm").resolve("veil-test-" + UUID.randomUUID() + ".csv");
        String copyName = BlobStore.copyBlobName(dataset, 1, JobCopy.Format.PARQUET);
        try {
            key.decryptFile(dataDir().resolve("blobs").resolve(dataset + ".v1.enc"), csv, (dataset + ":1").getBytes(StandardCharsets.UTF_8));
            try (JobCopy copy = JobCopy.start(spool, 1L << 30, JobCopy.Format.PARQUET)) {
                try (OutputStream tee = copy.tee(OutputStream.nullOutputStream())) {
                    Files.copy(csv, tee);
                }
                assertThat(copy.convert(schema, key, DatasetService.copyAad(dataset, 1, JobCopy.Format.PARQUET),
                        Files.newOutputStream(dataDir().resolve("blobs").resolve(copyName)))).isPresent();
            }
        } finally {
            Files.deleteIfExists(csv);
        }
        return copyName;
    }

    @Test
    void repeatedEntityRowsAreNotClaimedUniqueAndTheirOnePersonGroupIsSuppressed() {
        String name = Flows.uniqueName("rep");
        StringBuilder csv = new StringBuilder(Flows.residentsCsv(7));
        for (int i = 0; i < 15; i++) csv.append("LONER,lonely,41+,").append(5000 + i).append('\n'); // 15 rows, one person
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        parts.put("metadata", Part.json("{\"name\":\"" + name + "\",\"description\":\"repeated entity rows\",\"columns\":"
                + "{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\",\"age_band\":\"DIMENSION\",\"income\":\"METRIC\"}}"));
        parts.put("file", Part.csv(name + ".csv", csv.toString()));
        Response r = api.multipart("/api/v1/datasets", "demo-provider", parts);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        String dataset = r.json().get("id").asText();
        Map<String, Object> v = version(dataset);
        assertThat(v.get("parquet_blob_name")).isNotNull();
        assertThat(v.get("unique_entity_column")).isNull();

        String contract = flows.agree(flows.publish(flows.offer(dataset)));
        List<String> rows = released(flows.run(contract, "SELECT district, COUNT(*) AS n FROM " + name + " GROUP BY district"));
        assertThat(rows).hasSize(4);
        assertThat(String.join("\n", rows)).doesNotContain("lonely").doesNotContain("tiny");
    }

    private List<String> released(JsonNode job) {
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("RELEASED");
        JsonNode result = api.get("/api/v1/jobs/" + job.get("id").asText() + "/result", "demo-consumer").json();
        List<String> rows = new ArrayList<>();
        result.get("rows").forEach(row -> rows.add(row.toString()));
        rows.sort(null);
        return rows;
    }
}
