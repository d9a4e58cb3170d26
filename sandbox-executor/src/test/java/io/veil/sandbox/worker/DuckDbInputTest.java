package io.veil.sandbox.worker;

import io.veil.crypto.ByteRange;
import io.veil.crypto.DataKey;
import io.veil.crypto.Suite;
import io.veil.sandbox.privacy.EnforcementSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The DuckDB job copy (ADR 0019) against real DuckDB: low-cardinality VARCHARs become ENUMs, and every
 * query shape — including each allowed operation on such a column, with values that occur and values
 * that do not — answers exactly as the same query over the plain VARCHAR data; blocks of columns the SQL
 * never names stay undecrypted; tampering with anything the job reads is refused.
 */
class DuckDbInputTest {
    static final List<WorkerRequest.Column> COLUMNS = List.of(new WorkerRequest.Column("person_id", "VARCHAR"),
            new WorkerRequest.Column("district", "VARCHAR"), new WorkerRequest.Column("income", "BIGINT"),
            new WorkerRequest.Column("score", "DOUBLE"), new WorkerRequest.Column("active", "BOOLEAN"),
            new WorkerRequest.Column("born", "DATE"), new WorkerRequest.Column("code", "VARCHAR"),
            new WorkerRequest.Column("note", "VARCHAR"), new WorkerRequest.Column("essay", "VARCHAR"));
    static final int ROWS = 300_000;
    static final String AAD = "ds:1:duckdb";

    @TempDir
    Path dir;

    /**
     * {@code district} (7 values, 'd10' sorting before 'd2'), {@code code} (numeric-looking strings, a date,
     * 'true' and NULLs) become ENUMs; {@code person_id} and {@code note} have too many values; {@code essay}
     * holds strings long enough for DuckDB's overflow blocks, which the layout does not list.
     */
    static final String SOURCE = "(SELECT 'P' || i AS person_id, 'd' || (i % 7 + 5) AS district, (hash(i) % 90000)::BIGINT AS income, "
            + "CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 1000) / 7.0 END AS score, i % 3 = 0 AS active, "
            + "DATE '2000-01-01' + (i % 9000)::INTEGER AS born, "
            + "CASE i % 6 WHEN 0 THEN NULL WHEN 1 THEN '10' WHEN 2 THEN '2' WHEN 3 THEN '2020-01-05' WHEN 4 THEN 'true' ELSE '3.5' END AS code, "
            + "md5(i::VARCHAR) AS note, CASE WHEN i % 5000 = 0 THEN repeat(md5(i::VARCHAR), 400) ELSE 's' || i END AS essay "
            + "FROM range(" + ROWS + ") t(i))";

    record Sealed(Path blob, DataKey key, List<String> enums) {}

    Sealed copy(Suite suite) throws Exception {
        Path plain = dir.resolve("copy-" + suite + ".duckdb");
        List<String> enums;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
            enums = DuckDbCopy.write(c, SOURCE, COLUMNS, plain);
        }
        DataKey key = DataKey.generate(suite);
        Path blob = dir.resolve("copy-" + suite + ".enc");
        try (OutputStream out = key.encryptingStream(Files.newOutputStream(blob), AAD.getBytes(StandardCharsets.UTF_8))) {
            Files.copy(plain, out);
        }
        Files.delete(plain);
        return new Sealed(blob, key, enums);
    }

    static WorkerRequest.Table table(Sealed s) {
        return new WorkerRequest.Table("t0", s.blob().toString(), s.key().suite().name(),
                Base64.getEncoder().encodeToString(s.key().exportForWorker()), AAD, COLUMNS, WorkerRequest.Table.DUCKDB);
    }

    /** The rows, or the fact that the query failed (both sides must then fail). */
    static Object outcome(Connection c, String sql) {
        try {
            return ParquetInputTest.rows(c, sql);
        } catch (Exception e) {
            return "fails";
        }
    }

    static final List<String> SHAPES = Stream.concat(ParquetInputTest.SHAPES.stream(), Stream.of(
            "SELECT district, code, COUNT(*) AS n, SUM(income) AS s FROM t0 GROUP BY ALL ORDER BY ALL",
            "SELECT COUNT(*) FROM t0 WHERE district = 'nowhere' OR district IN ('d3', 'zzz') OR code = 'NOPE'",
            "SELECT district < 'd2' AS lt, district >= 'd11' AS ge, district BETWEEN 'd1' AND 'd6' AS bt, COUNT(*) FROM t0 GROUP BY ALL ORDER BY ALL",
            "SELECT MIN(district), MAX(district), MIN(code), MAX(code), COUNT(code), COUNT(DISTINCT code) FROM t0",
            "SELECT upper(district) AS u, lower(code) AS l, coalesce(code, 'none') AS c, COUNT(*) FROM t0 GROUP BY ALL ORDER BY ALL",
            "SELECT CASE WHEN district = 'd5' THEN district ELSE 'other' END AS x, COUNT(*) FROM t0 GROUP BY 1 ORDER BY 1",
            "SELECT district FROM t0 WHERE district = lower('D7') OR district = upper(code) GROUP BY 1 ORDER BY 1",
            "SELECT code IS NULL AS missing, code IS DISTINCT FROM '10' AS d, COUNT(*) FROM t0 GROUP BY ALL ORDER BY ALL",
            "SELECT CAST(code AS BIGINT) AS v, COUNT(*) FROM t0 WHERE code IN ('10', '2', '3.5') GROUP BY 1 ORDER BY 1",
            "SELECT CAST(code AS DOUBLE), COUNT(*) FROM t0 GROUP BY 1",
            "SELECT CAST(code AS DATE) AS d, COUNT(*) FROM t0 WHERE code = '2020-01-05' GROUP BY 1",
            "SELECT CAST(code AS BOOLEAN) AS b, CAST(district AS VARCHAR) AS v, COUNT(*) FROM t0 WHERE code = 'true' GROUP BY ALL ORDER BY ALL",
            "SELECT CAST(code AS DECIMAL(10, 2)) AS d, COUNT(*) FROM t0 WHERE code LIKE '%.%' GROUP BY 1",
            "SELECT district + 1 FROM t0",
            "SELECT SUM(district) FROM t0",
            "SELECT a.district, COUNT(*) FROM t0 a JOIN t0 b ON a.person_id = b.person_id AND a.district = b.district GROUP BY 1 ORDER BY 1",
            "SELECT district, COUNT(*) FROM t0 WHERE essay NOT LIKE 's%' GROUP BY 1 ORDER BY 1",
            "SELECT length(MAX(essay)) FROM t0")).toList();

    @ParameterizedTest
    @EnumSource(Suite.class)
    void answersExactlyAsThePlainVarcharDataForEveryShape(Suite suite) throws Exception {
        Sealed sealed = copy(suite);
        assertThat(sealed.enums()).containsExactly("district", "code");
        for (int i = 0; i < SHAPES.size(); i++) {
            String sql = SHAPES.get(i);
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
                s.execute("SET threads=1"); // floating-point sums in one order on both sides
                long rows = DuckDbInput.load(c, table(sealed), sealed.key(), sealed.blob(), dir.resolve("job" + suite + i + ".duckdb"), sql);
                assertThat(rows).isEqualTo(ROWS);
                s.execute("CREATE TABLE whole AS SELECT * FROM " + SOURCE);
                Object expected = outcome(c, sql.replace("t0", "whole"));
                assertThat(outcome(c, sql)).as(sql).isEqualTo(expected);
                // A conversion error, or no such operator for text: refused on both sides alike; every other shape answers.
                boolean failsOnVarchar = sql.contains("CAST(code AS DOUBLE)") || sql.contains("+ 1") || sql.contains("SUM(district)");
                assertThat(expected.equals("fails")).as(sql).isEqualTo(failsOnVarchar);
            }
        }
    }

    @Test
    void aJobOverTheCopyReportsEnumColumnsAsVarcharWithoutListingTheirValues() throws Exception {
        Sealed sealed = copy(Suite.INTL);
        String sql = "SELECT district, code, COUNT(*) AS n FROM t0 GROUP BY ALL";
        var spec = new EnforcementSpec(1, 0, true, 1000, null, false,
                Stream.of("district", "code", "n").map(EnforcementSpec.Output::plain).toList(), List.of(), List.of(), null).toJson();
        WorkerResponse r = Worker.execute(new WorkerRequest(List.of(table(sealed)), sql, spec, WorkerRequest.Limits.defaults()), dir.resolve("job"));
        assertThat(r.ok()).isTrue();
        assertThat(r.table().types()).containsExactly("VARCHAR", "VARCHAR", "BIGINT");
        assertThat(r.table().rows()).hasSize(7 * 6).allSatisfy(row -> {
            assertThat(row.get(0)).isInstanceOf(String.class);
            assertThat(row.get(1) == null || row.get(1) instanceof String).isTrue();
        });
    }

    @Test
    void blocksOfColumnsTheSqlNeverNamesStayUndecryptedAndAreNotInTheView() throws Exception {
        Sealed sealed = copy(Suite.INTL);
        Path job = dir.resolve("job.duckdb");
        String sql = "SELECT t0.district, SUM(t0.income) FROM t0 GROUP BY t0.district";
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            DuckDbInput.load(c, table(sealed), sealed.key(), sealed.blob(), job, sql);
            List<String> names = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT column_name FROM (DESCRIBE t0)")) {
                while (rs.next()) names.add(rs.getString(1));
            }
            assertThat(names).containsExactly("district", "income");
            // The blocks holding only person_id and note are zero: reading them through the attachment fails closed.
            assertThatThrownBy(() -> ParquetInputTest.rows(c, "SELECT COUNT(DISTINCT note) FROM st0.data")).isInstanceOf(SQLException.class);
        }
        long zeroBlocks = 0;
        byte[] partial = Files.readAllBytes(job);
        for (long at = DuckDbCopy.HEADER_BYTES; at < partial.length; at += 262_144) {
            boolean zero = true;
            for (int i = 0; i < 262_144 && zero; i++) zero = partial[(int) at + i] == 0;
            if (zero) zeroBlocks++;
        }
        assertThat(zeroBlocks).as("undecrypted blocks").isGreaterThanOrEqualTo(3);
    }

    @Test
    void theRangesKeepSharedAndUnlistedBlocksAndSkipOnlyBlocksOfUnneededColumns() {
        var layout = new DuckDbCopy.Layout(DuckDbCopy.HEADER_BYTES + 8 * 100, 100, 10, java.util.Set.of(7L),
                java.util.Map.of("a", java.util.Set.of(0L, 1L), "b", java.util.Set.of(1L, 2L, 3L, 7L), "c", java.util.Set.of(5L)));
        var ranges = DuckDbInput.ranges(layout, List.of(new WorkerRequest.Column("A", "BIGINT")));
        long h = DuckDbCopy.HEADER_BYTES;
        // Kept: header, 0 and 1 (a; 1 shared with b), 4 (unlisted), 6 (unlisted), 7 (metadata). Skipped: 2, 3 (b only), 5 (c only).
        assertThat(ranges).containsExactly(new ByteRange(0, h + 200), new ByteRange(h + 400, 100), new ByteRange(h + 600, 200));
    }

    @Test
    void tamperingWithABlockTheJobReadsIsRefused() throws Exception {
        Sealed sealed = copy(Suite.INTL);
        ParquetInputTest.flip(sealed.blob(), ParquetInputTest.ciphertextOffset(insideABlockOf(sealed, "income")));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
            Path job = dir.resolve("job.duckdb");
            assertThatThrownBy(() -> DuckDbInput.load(c, table(sealed), sealed.key(), sealed.blob(), job,
                    "SELECT district, SUM(income) FROM t0 GROUP BY district")).isInstanceOf(Unauthentic.class);
            assertThat(job).doesNotExist();
        }
    }

    @Test
    void tamperingWithTheLayoutIsRefusedWhateverTheQuery() throws Exception {
        Sealed sealed = copy(Suite.GM);
        ParquetInputTest.flip(sealed.blob(), Files.size(sealed.blob()) - 60);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
            assertThatThrownBy(() -> DuckDbInput.load(c, table(sealed), sealed.key(), sealed.blob(), dir.resolve("job.duckdb"),
                    "SELECT COUNT(*) FROM t0")).isInstanceOf(Unauthentic.class);
        }
    }

    @Test
    void aCopyUnderAnotherVersionsAssociatedDataIsRefused() throws Exception {
        Sealed sealed = copy(Suite.INTL);
        var other = new WorkerRequest.Table("t0", sealed.blob().toString(), "INTL",
                Base64.getEncoder().encodeToString(sealed.key().exportForWorker()), "ds:2:duckdb", COLUMNS, WorkerRequest.Table.DUCKDB);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
            assertThatThrownBy(() -> DuckDbInput.load(c, other, sealed.key(), sealed.blob(), dir.resolve("job.duckdb"),
                    "SELECT COUNT(*) FROM t0")).isInstanceOf(Unauthentic.class);
        }
    }

    /** A plaintext offset inside a block holding {@code column} (and not note, nor metadata), from the copy's own (decrypted, test-only) layout. */
    long insideABlockOf(Sealed sealed, String column) throws Exception {
        Path plain = dir.resolve("whole.duckdb");
        sealed.key().decryptFile(sealed.blob(), plain, AAD.getBytes(StandardCharsets.UTF_8));
        byte[] all = Files.readAllBytes(plain);
        Files.delete(plain);
        byte[] last = java.util.Arrays.copyOfRange(all, all.length - DuckDbCopy.TRAILER_BYTES, all.length);
        long[] lengths = DuckDbCopy.trailer(last, all.length);
        var layout = DuckDbCopy.parse(java.util.Arrays.copyOfRange(all, (int) lengths[1], (int) (lengths[1] + lengths[0])), lengths[1]);
        long block = layout.columns().get(column).stream().filter(b -> !layout.columns().get("note").contains(b)
                && !layout.metadataBlocks().contains(b)).findFirst().orElseThrow();
        return DuckDbCopy.HEADER_BYTES + block * layout.blockBytes() + 1000;
    }
}
