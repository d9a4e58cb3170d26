package io.veil.gateway.invariants;

import io.veil.gateway.support.ApiClient.Part;
import io.veil.gateway.support.ApiClient.Response;
import io.veil.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariant 1 (not visible) and 5 (encrypted at rest) for registration and the catalog: no
 * plaintext cell of a registered dataset is found anywhere under the data directory, and neither
 * the catalog, the statistics nor the synthetic preview carries a real value — except a
 * categorical dimension value shared by at least 10 rows.
 */
public class NotVisibleAndEncryptedAtRestTest extends GatewayTest {

    @Test
    void noPlaintextCellUnderDataDirAndNoneInCatalogOrPreview() throws IOException {
        String tag = UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        List<String> secrets = new ArrayList<>();
        StringBuilder csv = new StringBuilder("person_id,birth_date,district,rare_flag,income,diagnosis,join_key\n");
        for (int i = 0; i < 60; i++) {
            String pid = "PID" + tag + "X" + i;
            String common = "COMMONDIST" + tag;           // shared by 60 rows: may appear
            String rare = i < 9 ? "RAREVAL" + tag : "OTHERVAL" + tag + (i % 4); // 9 rows share RAREVAL: never
            String diag = "DIAG" + tag + "Y" + i;
            String jk = "JK" + tag + "Z" + i;
            long income = 7_000_000_123L + i * 7919L;   // unique, never equal to a rounded summary
            secrets.add(pid);
            secrets.add(diag);
            secrets.add(jk);
            secrets.add(Long.toString(income));
            csv.append(pid).append(",19").append(50 + i % 40).append("-0").append(1 + i % 9).append("-1").append(i % 10)
               .append(',').append(common).append(',').append(rare).append(',').append(income).append(',').append(diag)
               .append(',').append(jk).append('\n');
        }
        String roles = "{\"person_id\":\"ENTITY_ID\",\"birth_date\":\"QUASI_IDENTIFIER\",\"district\":\"DIMENSION\","
                + "\"rare_flag\":\"DIMENSION\",\"income\":\"METRIC\",\"diagnosis\":\"SENSITIVE\",\"join_key\":\"JOIN_KEY\"}";
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        parts.put("metadata", Part.json("{\"name\":\"sec_" + tag.toLowerCase() + "\",\"columns\":" + roles + "}"));
        parts.put("file", Part.csv("s.csv", csv.toString()));
        Response reg = api.multipart("/api/v1/datasets", "demo-provider", parts);
        assertThat(reg.status()).as(reg.text()).isEqualTo(201);
        String id = reg.json().get("id").asText();

        // encrypted at rest: scan every file the zone wrote
        for (Path f : filesUnder(dataDir())) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(f);
            } catch (java.nio.file.NoSuchFileException renamedMeanwhile) {
                continue; // e.g. the ledger's checkpoint.note.tmp, atomically renamed while we scan
            }
            String content = new String(bytes, StandardCharsets.ISO_8859_1);
            for (String s : secrets) assertThat(content).as("plaintext in " + f).doesNotContain(s);
            assertThat(content).as("rare value in " + f).doesNotContain("RAREVAL" + tag);
        }

        // not visible: catalog entry (with statistics) and preview
        String catalog = api.get("/api/v1/datasets/" + id, "demo-consumer").text();
        Response preview = api.get("/api/v1/datasets/" + id + "/preview?rows=100", "demo-consumer");
        assertThat(preview.status()).isEqualTo(200);
        for (String s : secrets) {
            assertThat(catalog).doesNotContain(s);
            assertThat(preview.text()).doesNotContain(s);
        }
        assertThat(catalog).doesNotContain("RAREVAL" + tag);
        assertThat(preview.text()).doesNotContain("RAREVAL" + tag);
        assertThat(preview.json().get("rows")).hasSize(100);
        assertThat(preview.json().get("synthetic").asBoolean()).isTrue();
    }

    /** Every regular file under dir; files that vanish during the walk (atomic renames) are skipped, not errors. */
    public static java.util.List<Path> filesUnder(Path dir) throws java.io.IOException {
        java.util.List<Path> out = new java.util.ArrayList<>();
        Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) out.add(file);
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, java.io.IOException e) throws java.io.IOException {
                if (e instanceof java.nio.file.NoSuchFileException) return java.nio.file.FileVisitResult.CONTINUE;
                throw e;
            }
        });
        return out;
    }
}
