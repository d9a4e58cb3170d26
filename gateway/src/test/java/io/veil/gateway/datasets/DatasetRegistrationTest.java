package io.veil.gateway.datasets;

import io.veil.gateway.support.ApiClient.Part;
import io.veil.gateway.support.ApiClient.Response;
import io.veil.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class DatasetRegistrationTest extends GatewayTest {

    static final String SECRET = "ZQXJ-SECRET-MARKER";

    static String meta(String name, String columnsJson) {
        return "{\"name\":\"" + name + "\",\"description\":\"d\",\"tags\":[\"t1\"],\"license\":\"CC-BY\",\"columns\":" + columnsJson + "}";
    }

    static final String ROLES = "{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\",\"income\":\"METRIC\"}";

    static String csv(int rows) {
        StringBuilder sb = new StringBuilder("person_id,district,income\n");
        for (int i = 0; i < rows; i++) sb.append("P").append(i).append(",d").append(i % 3).append(",").append(1000 + i).append('\n');
        return sb.toString();
    }

    Response register(String meta, Part file) {
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        parts.put("metadata", Part.json(meta));
        if (file != null) parts.put("file", file);
        return api.multipart("/api/v1/datasets", "demo-provider", parts);
    }

    static String uniqueName() {
        return "ds_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @Test
    void providerRegistersCsvAndGets201WithSchemaContentCommitmentAndRowCount() {
        Response r = register(meta(uniqueName(), ROLES), Part.csv("x.csv", csv(50)));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().get("rowCount").asLong()).isEqualTo(50);
        assertThat(r.json().get("version").asInt()).isEqualTo(1);
        assertThat(r.json().get("contentCommitment").asText()).matches("[0-9a-f]{64}");
        assertThat(r.json().get("contentOpeningKey").asText()).matches("[0-9a-f]{64}");
        assertThat(r.json().get("schema").toString()).contains("person_id").contains("BIGINT");
    }

    @Test
    void newVersionIncrementsVersionNumber() {
        Response r = register(meta(uniqueName(), ROLES), Part.csv("x.csv", csv(20)));
        String id = r.json().get("id").asText();
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        parts.put("file", Part.csv("x2.csv", csv(30)));
        Response v2 = api.multipart("/api/v1/datasets/" + id + "/versions", "demo-provider", parts);
        assertThat(v2.status()).as(v2.text()).isEqualTo(201);
        assertThat(v2.json().get("version").asInt()).isEqualTo(2);
        assertThat(api.get("/api/v1/datasets/" + id, "demo-consumer").json().get("versions")).hasSize(2);
    }

    @Test
    void consumerCannotRegister() {
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        parts.put("metadata", Part.json(meta(uniqueName(), ROLES)));
        parts.put("file", Part.csv("x.csv", csv(5)));
        Response r = api.multipart("/api/v1/datasets", "demo-consumer", parts);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("FORBIDDEN");
    }

    static Stream<Arguments> badUploads() {
        String h = "person_id,district,income\n";
        return Stream.of(
                Arguments.of("ragged row", ROLES, Part.csv("a.csv", h + "P1,d1,1\nP2," + SECRET + "\n"), 422, "CSV_RAGGED_ROW"),
                Arguments.of("bad quoting", ROLES, Part.csv("a.csv", h + "P1,\"d1" + SECRET + ",1\n"), 422, "CSV_BAD_QUOTING"),
                Arguments.of("invalid utf8", ROLES, Part.file("a.csv", "text/csv", bytes(h + "P1,d", new byte[]{(byte) 0xC3, (byte) 0x28}, ",1\n")), 422, "CSV_INVALID_UTF8"),
                Arguments.of("type mismatch", ROLES, Part.csv("a.csv", h + "P1,d1,1\nP2,d2," + SECRET + "\n"), 422, "METRIC_NOT_NUMERIC"),
                Arguments.of("type change after inference sample", "{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\",\"income\":\"METRIC\"}",
                        Part.csv("a.csv", csv(1500).replace("\nP1400,d2,", "\nP1400," + SECRET + ",").replace("person_id,district", "person_id,district")
                                .replaceAll(",d(\\d),", ",$1,")), 422, "CSV_TYPE_MISMATCH"),
                Arguments.of("empty file", ROLES, Part.csv("a.csv", ""), 422, "CSV_EMPTY"),
                Arguments.of("header only", ROLES, Part.csv("a.csv", h), 422, "CSV_HEADER_ONLY"),
                Arguments.of("duplicate column", "{\"person_id\":\"ENTITY_ID\",\"income\":\"METRIC\"}", Part.csv("a.csv", "person_id,income,income\nP1,1,2\n"), 422, "CSV_DUPLICATE_COLUMN"),
                Arguments.of("blank column", "{\"person_id\":\"ENTITY_ID\",\"income\":\"METRIC\"}", Part.csv("a.csv", "person_id,,income\nP1,x,2\n"), 422, "CSV_BLANK_COLUMN"),
                Arguments.of("column without role", "{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\"}", Part.csv("a.csv", h + "P1,d1,1\n"), 400, "COLUMN_ROLE_MISSING"),
                Arguments.of("unknown role", "{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\",\"income\":\"SECRETISH\"}", Part.csv("a.csv", h + "P1,d1,1\n"), 400, "COLUMN_ROLE_UNKNOWN"),
                Arguments.of("oversized", ROLES, Part.csv("a.csv", csv(80_000)), 413, "UPLOAD_TOO_LARGE"),
                Arguments.of("unsupported format", ROLES, Part.file("a.xlsx", "application/vnd.ms-excel", new byte[]{0x50, 0x4b, 3, 4, 1, 2, 3}), 415, "UNSUPPORTED_FORMAT"),
                Arguments.of("path traversal in column", "{\"../etc\":\"DIMENSION\"}", Part.csv("a.csv", "../etc\nx\n"), 422, "CSV_BAD_COLUMN_NAME"),
                Arguments.of("control char in column", "{\"a\":\"DIMENSION\"}", Part.csv("a.csv", "a\u0007b\nx\n"), 422, "CSV_BAD_COLUMN_NAME"),
                Arguments.of("path traversal in file name", ROLES, Part.csv("../../etc/passwd", h + "P1,d1,1\n"), 400, "FILE_NAME_INVALID"),
                Arguments.of("missing file part", ROLES, null, 400, "MULTIPART_MISSING_PART"));
    }

    private static byte[] bytes(String a, byte[] mid, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8), z = b.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[x.length + mid.length + z.length];
        System.arraycopy(x, 0, out, 0, x.length);
        System.arraycopy(mid, 0, out, x.length, mid.length);
        System.arraycopy(z, 0, out, x.length + mid.length, z.length);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badUploads")
    void badUploadGetsProblemWithStableCodeAndLeavesNothingBehind(String label, String roles, Part file, int status, String code) throws IOException {
        Snapshot before = snapshot();
        Response r = register(meta(uniqueName(), roles), file);
        assertThat(r.status()).as(label + ": " + r.text()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.code()).as(r.text()).isEqualTo(code);
        assertThat(r.text()).doesNotContain(SECRET);
        assertThat(snapshot()).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badMetadata")
    void badMetadataIsRefusedBeforeAnythingIsStored(String label, String metadata, String code) throws IOException {
        Snapshot before = snapshot();
        Response r = register(metadata, Part.csv("a.csv", csv(3)));
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.code()).isEqualTo(code);
        assertThat(snapshot()).isEqualTo(before);
    }

    static Stream<Arguments> badMetadata() {
        return Stream.of(
                Arguments.of("not json", "{nope", "METADATA_MALFORMED"),
                Arguments.of("unknown field", "{\"name\":\"a\",\"columns\":" + ROLES + ",\"owner\":\"x\"}", "METADATA_UNKNOWN_FIELD"),
                Arguments.of("path traversal name", meta("../../etc", ROLES), "DATASET_NAME_INVALID"),
                Arguments.of("control character in name", meta("a\\u0000b", ROLES), "DATASET_NAME_INVALID"),
                Arguments.of("no columns", "{\"name\":\"abc\"}", "COLUMN_ROLES_MISSING"));
    }

    @Test
    void fileBeforeMetadataIsRefused() {
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        parts.put("file", Part.csv("x.csv", csv(3)));
        parts.put("metadata", Part.json(meta(uniqueName(), ROLES)));
        Response r = api.multipart("/api/v1/datasets", "demo-provider", parts);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("MULTIPART_MISSING_PART");
    }

    @Test
    void nonMultipartIsUnsupportedMediaType() {
        Response r = api.request("POST", "/api/v1/datasets", "demo-provider", "application/json", "{}".getBytes());
        assertThat(r.status()).isEqualTo(415);
        assertThat(r.code()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
    }

    @Test
    void duplicateNameForSameOrgIsConflict() {
        String name = uniqueName();
        assertThat(register(meta(name, ROLES), Part.csv("x.csv", csv(3))).status()).isEqualTo(201);
        Response again = register(meta(name, ROLES), Part.csv("x.csv", csv(3)));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("DATASET_NAME_TAKEN");
    }

    record Snapshot(long datasets, long versions, long outbox, List<String> blobFiles) {}

    Snapshot snapshot() throws IOException {
        Path blobs = dataDir().resolve("blobs");
        List<String> files;
        try (Stream<Path> s = Files.exists(blobs) ? Files.list(blobs) : Stream.empty()) {
            files = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        return new Snapshot(count("datasets"), count("dataset_versions"), count("ledger_outbox"), files);
    }

    long count(String table) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Long.class);
    }
}
