package io.veil.sandbox.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.crypto.DataKey;
import io.veil.crypto.Suite;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The real sandbox: bubblewrap + prlimit + a worker JVM + DuckDB, on real encrypted inputs. */
class BubblewrapSandboxTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MARKER = "PLAINTEXTMARKER";

    @TempDir
    Path dir;

    @BeforeAll
    static void bubblewrapPresent() {
        assertThat(BubblewrapSandboxRunner.unavailableReason()).as("bubblewrap must work here (deploy/local/prereqs.sh)").isEmpty();
    }

    record Blob(Path path, DataKey key, String aad) {}

    static final List<WorkerRequest.Column> COLUMNS = List.of(new WorkerRequest.Column("person_id", "VARCHAR"),
            new WorkerRequest.Column("district", "VARCHAR"), new WorkerRequest.Column("income", "BIGINT"));

    Blob encrypt(String csv) throws Exception {
        DataKey k = DataKey.generate(Suite.INTL);
        Path p = dir.resolve("blob.enc");
        try (OutputStream out = k.encryptingStream(Files.newOutputStream(p), "ds:1".getBytes(StandardCharsets.UTF_8))) {
            out.write(csv.getBytes(StandardCharsets.UTF_8));
        }
        return new Blob(p, k, "ds:1");
    }

    /** The same rows as a Parquet blob (ADR 0015), encrypted under associated data "ds:1:parquet". */
    Blob encryptParquet(String csv) throws Exception {
        return encryptCopy(csv, WorkerRequest.Table.PARQUET);
    }

    /** The same rows as a job copy, Parquet (ADR 0015) or DuckDB (ADR 0019), encrypted under associated data "ds:1:<format>". */
    Blob encryptCopy(String csv, String format) throws Exception {
        DataKey k = DataKey.generate(Suite.INTL);
        Path p = dir.resolve("blob." + format + ".enc");
        Path ram = Files.createTempDirectory(Path.of("/dev/shm"), "veil-test-");
        try {
            Path plainCsv = Files.writeString(ram.resolve("in.csv"), csv);
            Path plain = ram.resolve("in." + format);
            try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:"); var s = c.createStatement()) {
                String source = "read_csv('" + plainCsv + "', header=true, auto_detect=false, "
                        + "columns={'person_id':'VARCHAR','district':'VARCHAR','income':'BIGINT'})";
                if (format.equals(WorkerRequest.Table.PARQUET)) {
                    s.execute("COPY (SELECT * FROM " + source + ") TO '" + plain + "' (FORMAT parquet)");
                } else {
                    DuckDbCopy.write(c, source, COLUMNS, plain);
                }
            }
            try (OutputStream out = k.encryptingStream(Files.newOutputStream(p), ("ds:1:" + format).getBytes(StandardCharsets.UTF_8))) {
                Files.copy(plain, out);
            }
        } finally {
            try (Stream<Path> files = Files.list(ram)) {
                for (Path f : (Iterable<Path>) files::iterator) Files.delete(f);
            }
            Files.delete(ram);
        }
        return new Blob(p, k, "ds:1:" + format);
    }

    WorkerRequest parquetRequest(Blob b, String sql, com.fasterxml.jackson.databind.JsonNode spec) {
        return copyRequest(b, sql, spec, WorkerRequest.Table.PARQUET);
    }

    WorkerRequest copyRequest(Blob b, String sql, com.fasterxml.jackson.databind.JsonNode spec, String format) {
        WorkerRequest csv = request(b, sql, 10_000);
        WorkerRequest.Table t = csv.tables().get(0);
        var table = new WorkerRequest.Table(t.internalName(), t.blobPath(), t.suite(), t.dataKeyBase64(), t.associatedData(),
                t.columns(), format);
        return new WorkerRequest(List.of(table), sql, spec, csv.limits());
    }

    static String people(int n) {
        StringBuilder sb = new StringBuilder("person_id,district,income\n");
        for (int i = 0; i < n; i++) sb.append(MARKER).append(i).append(',').append(i % 2 == 0 ? "a" : "b").append(',').append(100 + i).append('\n');
        return sb.toString();
    }

    WorkerRequest request(Blob b, String sql, long timeoutMs) {
        var table = new WorkerRequest.Table("t0", b.path().toString(), "INTL", Base64.getEncoder().encodeToString(b.key().exportForWorker()),
                b.aad(), COLUMNS);
        // Threshold-only enforcement over the hidden distinct-entity column the planner would add.
        var spec = JSON.createObjectNode();
        return new WorkerRequest(List.of(table), sql, spec, new WorkerRequest.Limits(512, 1, timeoutMs, 10_000));
    }

    @Test
    void sandboxHasNoNetworkNoHostFilesAndRunsUnprivileged() throws Exception {
        Path secret = dir.resolve("gateway-secret.txt");
        Files.writeString(secret, "secret");
        try (ServerSocket server = new ServerSocket(0)) {
            Process p = new BubblewrapSandboxRunner().startRaw(WorkerProbe.class.getName(),
                    List.of(String.valueOf(server.getLocalPort()), secret.toString()));
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            assertThat(out).contains("BLOCKED read " + secret, "BLOCKED read /etc/shadow",
                    "BLOCKED write /usr", "BLOCKED write /var/tmp", "BLOCKED connect 127.0.0.1:" + server.getLocalPort(),
                    "OK write /tmp");
            assertThat(out).containsPattern("UID Uid:\\s+65534");
        }
    }

    @Test
    void tamperedBlobIsRefusedWithoutEchoingData() throws Exception {
        Blob b = encrypt(people(50));
        byte[] bytes = Files.readAllBytes(b.path());
        bytes[bytes.length / 2] ^= 1;
        Files.write(b.path(), bytes);
        WorkerResponse r = new BubblewrapSandboxRunner().run("j1", request(b, "SELECT COUNT(*) FROM t0", 10_000));
        assertThat(r.ok()).isFalse();
        assertThat(r.code()).isEqualTo(WorkerResponse.INPUT_TAMPERED);
        assertThat(JSON.writeValueAsString(r)).doesNotContain(MARKER);
    }

    @Test
    void engineErrorsAreScrubbed() throws Exception {
        Blob b = encrypt(people(50));
        WorkerResponse r = new BubblewrapSandboxRunner().run("j2",
                request(b, "SELECT CAST(person_id AS INTEGER) FROM t0", 10_000));
        assertThat(r.ok()).isFalse();
        assertThat(r.code()).isEqualTo(WorkerResponse.QUERY_FAILED);
        assertThat(JSON.writeValueAsString(r)).doesNotContain(MARKER);
    }

    @Test
    void hostileStatementsFailInsideTheWorkerToo() throws Exception {
        Blob b = encrypt(people(20));
        for (String sql : List.of("SELECT * FROM read_csv('/etc/passwd')", "COPY t0 TO '/tmp/x.csv'", "INSTALL httpfs",
                "SET enable_external_access=true", "ATTACH ':memory:' AS x", "SELECT * FROM read_text('" + b.path() + "')")) {
            WorkerResponse r = new BubblewrapSandboxRunner().run("j3", request(b, sql, 10_000));
            assertThat(r.ok()).as(sql).isFalse();
        }
    }

    @Test
    void runawayQueryIsStoppedByTheDeadline() throws Exception {
        Blob b = encrypt(people(2000));
        long t0 = System.nanoTime();
        WorkerResponse r = new BubblewrapSandboxRunner().run("j4",
                request(b, "SELECT COUNT(*) FROM t0 a, t0 b, t0 c, t0 d", 2_000));
        assertThat(r.ok()).isFalse();
        assertThat(r.code()).isIn(WorkerResponse.TIMEOUT, WorkerResponse.MEMORY);
    }

    /** A real plan from the analyzer and planner: k = 10 over person_id. */
    static io.veil.sandbox.plan.ExecutionPlan plan(String sql) {
        var cols = List.of(new io.veil.sandbox.analysis.ColumnSchema("person_id", "VARCHAR", io.veil.policy.ColumnRole.ENTITY_ID),
                new io.veil.sandbox.analysis.ColumnSchema("district", "VARCHAR", io.veil.policy.ColumnRole.DIMENSION),
                new io.veil.sandbox.analysis.ColumnSchema("income", "BIGINT", io.veil.policy.ColumnRole.METRIC));
        var binding = new io.veil.sandbox.analysis.TableBinding("ds", "people", cols);
        var analysed = (io.veil.sandbox.analysis.AnalysisResult.Accepted) new io.veil.sandbox.analysis.SqlAnalyzer()
                .analyze(sql, java.util.Map.of("people", binding));
        var planned = (io.veil.sandbox.plan.PlanResult.Planned) new io.veil.sandbox.plan.QueryPlanner().plan(analysed.query(),
                java.util.Map.of("ds", new io.veil.sandbox.plan.DatasetRules("person_id", 10, null)), 100);
        return planned.plan();
    }

    @Test
    void aggregateOverEncryptedInputIsReleasedWithSmallGroupsSuppressed() throws Exception {
        StringBuilder csv = new StringBuilder(people(200));
        for (int i = 0; i < 3; i++) csv.append("X").append(i).append(",tiny,5\n");
        Blob b = encrypt(csv.toString());
        var plan = plan("SELECT district, COUNT(*) AS n, SUM(income) AS total FROM people GROUP BY district");
        WorkerRequest base = request(b, plan.sql(), 10_000);
        WorkerResponse r = new BubblewrapSandboxRunner().run("j6",
                new WorkerRequest(base.tables(), plan.sql(), plan.spec().toJson(), base.limits()));
        assertThat(r.ok()).as(String.valueOf(r.code())).isTrue();
        assertThat(r.table().columns()).containsExactly("district", "n", "total");
        assertThat(r.table().rows()).extracting(row -> row.get(0)).containsExactlyInAnyOrder("a", "b");
        assertThat(r.rowsSuppressed()).isEqualTo(1);
        assertThat(r.stats().rowsScanned()).isEqualTo(203);
    }

    @ParameterizedTest
    @ValueSource(strings = {WorkerRequest.Table.PARQUET, WorkerRequest.Table.DUCKDB})
    void aJobCopyReleasesExactlyWhatTheCsvInputReleases(String format) throws Exception {
        StringBuilder csv = new StringBuilder(people(200));
        for (int i = 0; i < 3; i++) csv.append("X").append(i).append(",tiny,5\n");
        var plan = plan("SELECT district, COUNT(*) AS n, SUM(income) AS total, AVG(income) AS mean FROM people GROUP BY district");
        WorkerRequest csvBase = request(encrypt(csv.toString()), plan.sql(), 10_000);
        WorkerResponse fromCsv = new BubblewrapSandboxRunner().run("jc",
                new WorkerRequest(csvBase.tables(), plan.sql(), plan.spec().toJson(), csvBase.limits()));
        WorkerResponse fromCopy = new BubblewrapSandboxRunner().run("jp",
                copyRequest(encryptCopy(csv.toString(), format), plan.sql(), plan.spec().toJson(), format));
        assertThat(fromCopy.ok()).as(String.valueOf(fromCopy.code())).isTrue();
        assertThat(fromCopy.table()).isEqualTo(fromCsv.table());
        assertThat(fromCopy.rowsSuppressed()).isEqualTo(1);
        assertThat(fromCopy.stats().rowsScanned()).isEqualTo(203);
    }

    @Test
    void parquetBlobUnderTheWrongAssociatedDataIsRefused() throws Exception {
        Blob b = encryptParquet(people(50));
        WorkerResponse r = new BubblewrapSandboxRunner().run("jw",
                parquetRequest(new Blob(b.path(), b.key(), "ds:1"), "SELECT COUNT(*) FROM t0", JSON.createObjectNode()));
        assertThat(r.code()).isEqualTo(WorkerResponse.INPUT_TAMPERED);
    }

    @Test
    void withParquetInputsTheQueryStillReadsNoFileOutsideItsInputDirectory() throws Exception {
        Blob b = encryptParquet(people(20));
        // Inside the sandbox these exist and are readable by the worker process, but lie outside the
        // one directory DuckDB may read (allowed_directories): the ciphertext mount, /proc and /usr.
        for (String sql : List.of("SELECT * FROM read_text('/in/t0.parquet.enc')", "SELECT * FROM read_text('/proc/self/status')",
                "SELECT * FROM read_text('/usr/lib/os-release')", "SELECT * FROM read_text('/tmp/veil-job/in/../in/../../veil-job/in/x')",
                "SELECT * FROM glob('/tmp/*')", "SELECT * FROM read_csv('/tmp/veil-job/in/../../../etc/hostname')",
                "SET allowed_directories=['/']", "COPY t0 TO '/tmp/x.csv'")) {
            WorkerResponse r = new BubblewrapSandboxRunner().run("jx", parquetRequest(b, sql, JSON.createObjectNode()));
            assertThat(r.ok()).as(sql).isFalse();
            assertThat(JSON.writeValueAsString(r)).doesNotContain(MARKER);
        }
        var plan = plan("SELECT district, COUNT(*) AS n FROM people GROUP BY district");
        WorkerResponse ok = new BubblewrapSandboxRunner().run("jy", parquetRequest(b, plan.sql(), plan.spec().toJson()));
        assertThat(ok.ok()).as(String.valueOf(ok.code())).isTrue();
    }

    @Test
    void withDuckDbInputsTheQueryReadsNoFileAtAllAndAttachesNothing() throws Exception {
        Blob b = encryptCopy(people(20), WorkerRequest.Table.DUCKDB);
        // The copy is attached before lock-down; afterwards no file is readable, not even the job's own decrypted input.
        for (String sql : List.of("SELECT * FROM read_text('/in/t0.duckdb.enc')", "SELECT * FROM read_text('/tmp/veil-job/in/t0.duckdb')",
                "SELECT * FROM read_text('/proc/self/status')", "SELECT * FROM glob('/tmp/*')",
                "SELECT * FROM read_csv('/tmp/veil-job/in/../../../etc/hostname')",
                "ATTACH '/tmp/veil-job/in/t0.duckdb' AS again (READ_ONLY)", "SET enable_external_access=true",
                "SET allowed_directories=['/']", "COPY t0 TO '/tmp/x.csv'")) {
            WorkerResponse r = new BubblewrapSandboxRunner().run("jd", copyRequest(b, sql, JSON.createObjectNode(), WorkerRequest.Table.DUCKDB));
            assertThat(r.ok()).as(sql).isFalse();
            assertThat(JSON.writeValueAsString(r)).doesNotContain(MARKER);
        }
        var plan = plan("SELECT district, COUNT(*) AS n FROM people GROUP BY district");
        WorkerResponse ok = new BubblewrapSandboxRunner().run("je", copyRequest(b, plan.sql(), plan.spec().toJson(), WorkerRequest.Table.DUCKDB));
        assertThat(ok.ok()).as(String.valueOf(ok.code())).isTrue();
        assertThat(ok.table().types()).containsExactly("VARCHAR", "BIGINT");
    }

    @Test
    void duckDbBlobUnderTheWrongAssociatedDataIsRefused() throws Exception {
        Blob b = encryptCopy(people(50), WorkerRequest.Table.DUCKDB);
        WorkerResponse r = new BubblewrapSandboxRunner().run("jf",
                copyRequest(new Blob(b.path(), b.key(), "ds:1:parquet"), "SELECT COUNT(*) FROM t0", JSON.createObjectNode(), WorkerRequest.Table.DUCKDB));
        assertThat(r.code()).isEqualTo(WorkerResponse.INPUT_TAMPERED);
    }

    @Test
    void plaintextNeverReachesPersistentDisk() throws Exception {
        Blob b = encrypt(people(200));
        var plan = plan("SELECT district, COUNT(*) AS n FROM people GROUP BY district");
        WorkerRequest base = request(b, plan.sql(), 10_000);
        WorkerResponse r = new BubblewrapSandboxRunner().run("j5",
                new WorkerRequest(base.tables(), plan.sql(), plan.spec().toJson(), base.limits()));
        assertThat(r.code()).isNull();
        try (Stream<Path> files = Stream.concat(Files.walk(dir), Files.walk(Path.of(System.getProperty("java.io.tmpdir")), 2))) {
            files.filter(Files::isRegularFile).filter(Files::isReadable).forEach(f -> {
                try {
                    if (Files.size(f) < 50_000_000) assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(MARKER);
                } catch (java.io.IOException ignored) {
                    // files vanishing during the walk
                }
            });
        }
    }
}
