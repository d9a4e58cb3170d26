package io.veil.gateway.datasets;

import io.veil.gateway.ingest.RamSpool;
import io.veil.gateway.support.ApiClient.Part;
import io.veil.gateway.support.ApiClient.Response;
import io.veil.gateway.support.Flows;
import io.veil.gateway.support.GatewayTest;
import io.veil.gateway.support.PartialUpload;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Class 8 of issue 14: an upload that ends early — refused, or abandoned by its client — leaves no plaintext in RAM. */
class AbortedUploadSpoolTest extends GatewayTest {
    static final String ROLES = "{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\",\"income\":\"METRIC\"}";

    @Autowired
    RamSpool spool;
    Path namespace;

    @BeforeEach
    void namespace() throws Exception {
        namespace = spool.dir().orElseThrow(() -> new AssertionError("this machine has no usable /dev/shm"));
        assertThat(PartialUpload.entries(namespace)).as("nothing spooled between uploads").isEmpty();
    }

    static String meta() {
        return "{\"name\":\"" + Flows.uniqueName("spool") + "\",\"columns\":" + ROLES + "}";
    }

    static String rows(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) sb.append("P").append(i).append(",d").append(i % 3).append(',').append(1000 + i).append('\n');
        return sb.toString();
    }

    Response upload(String csv) {
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        parts.put("metadata", Part.json(meta()));
        parts.put("file", Part.csv("a.csv", csv));
        return api.multipart("/api/v1/datasets", "demo-provider", parts);
    }

    @Test
    void aCompletedUploadSpoolsItsJobCopyAndRemovesIt() throws Exception {
        Response r = upload("person_id,district,income\n" + rows(0, 2000));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        String copy = jdbc.queryForObject("SELECT parquet_blob_name FROM dataset_versions WHERE dataset_id = ?", String.class,
                r.json().get("id").asText());
        assertThat(copy).as("the job copy was made, so the spool was used").isNotNull();
        assertThat(PartialUpload.entries(namespace)).isEmpty();
    }

    @Test
    void anUploadRefusedMidStreamLeavesNothingInRam() throws Exception {
        // Over the test context's 1 MiB limit, after the spool has received plenty.
        Response tooLarge = upload("person_id,district,income\n" + rows(0, 80_000));
        assertThat(tooLarge.code()).isEqualTo("UPLOAD_TOO_LARGE");
        assertThat(PartialUpload.entries(namespace)).isEmpty();
        // A type error long after the inference sample.
        Response mismatch = upload("person_id,district,income\n" + rows(0, 5000) + "P9,d1,not-a-number\n");
        assertThat(mismatch.code()).isEqualTo("CSV_TYPE_MISMATCH");
        assertThat(PartialUpload.entries(namespace)).isEmpty();
    }

    @Test
    void aClientGoneMidCsvUploadLeavesNothingInRam() throws Exception {
        byte[] start = ("person_id,district,income\n" + rows(0, 15_000)).getBytes(StandardCharsets.UTF_8);
        try (PartialUpload up = new PartialUpload(port, api.token("demo-provider"), meta(), "a.csv", "text/csv", start, 200_000)) {
            assertThat(PartialUpload.await(60, () -> PartialUpload.bytesUnder(namespace) > 0))
                    .as("the upload is spooling").isTrue();
        }
        assertThat(PartialUpload.await(60, () -> PartialUpload.entries(namespace).isEmpty()))
                .as("the abandoned upload's spool is deleted").isTrue();
    }

    @Test
    void aClientGoneMidParquetUploadLeavesNothingInRam() throws Exception {
        byte[] start = new byte[300_000];
        start[0] = 'P';
        start[1] = 'A';
        start[2] = 'R';
        start[3] = '1';
        try (PartialUpload up = new PartialUpload(port, api.token("demo-provider"), meta(), "a.parquet",
                "application/vnd.apache.parquet", start, 200_000)) {
            assertThat(PartialUpload.await(60, () -> PartialUpload.bytesUnder(namespace) > 0))
                    .as("the upload is spooling").isTrue();
        }
        assertThat(PartialUpload.await(60, () -> PartialUpload.entries(namespace).isEmpty()))
                .as("the abandoned upload's spool is deleted").isTrue();
    }
}
