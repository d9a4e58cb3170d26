package io.veil.sandbox.worker;

import io.veil.crypto.DataKey;
import io.veil.crypto.Suite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Partial decryption of the Parquet copy (ADR 0017) against real DuckDB: a job's view releases
 * exactly what reading the whole plaintext file releases, for every column type and query shape;
 * columns the SQL never names stay undecrypted; tampering with anything the job reads is refused.
 */
class ParquetInputTest {
    static final List<WorkerRequest.Column> COLUMNS = List.of(new WorkerRequest.Column("person_id", "VARCHAR"),
            new WorkerRequest.Column("district", "VARCHAR"), new WorkerRequest.Column("income", "BIGINT"),
            new WorkerRequest.Column("score", "DOUBLE"), new WorkerRequest.Column("active", "BOOLEAN"),
            new WorkerRequest.Column("born", "DATE"), new WorkerRequest.Column("note", "VARCHAR"));
    static final int ROWS = 120_000;

    @TempDir
    Path dir;

    /** Several row groups; {@code note} is large (about 4 MB), so its chunks span many segments. */
    Path plaintext() throws Exception {
        Path p = dir.resolve("plain.parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT 'P' || i AS person_id, 'd' || (i % 7) AS district, (hash(i) % 90000)::BIGINT AS income, "
                    + "CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 1000) / 7.0 END AS score, i % 3 = 0 AS active, "
                    + "DATE '2000-01-01' + (i % 9000)::INTEGER AS born, md5(i::VARCHAR) AS note FROM range(" + ROWS + ") t(i)) TO '"
                    + p + "' (FORMAT parquet, ROW_GROUP_SIZE 30000)");
        }
        return p;
    }

    record Sealed(Path blob, DataKey key) {}

    Sealed seal(Path plain, Suite suite) throws Exception {
        DataKey key = DataKey.generate(suite);
        Path blob = dir.resolve("copy-" + suite + ".enc");
        try (OutputStream out = key.encryptingStream(Files.newOutputStream(blob), "ds:1:parquet".getBytes(StandardCharsets.UTF_8))) {
            Files.copy(plain, out);
        }
        return new Sealed(blob, key);
    }

    static WorkerRequest.Table table(Sealed s) {
        return new WorkerRequest.Table("t0", s.blob().toString(), s.key().suite().name(),
                Base64.getEncoder().encodeToString(s.key().exportForWorker()), "ds:1:parquet", COLUMNS, WorkerRequest.Table.PARQUET);
    }

    static List<List<Object>> rows(Connection c, String sql) throws Exception {
        List<List<Object>> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) row.add(Worker.value(rs.getObject(i)));
                out.add(row);
            }
        }
        return out;
    }

    static final List<String> SHAPES = List.of(
            "SELECT t0.district, COUNT(*) AS n, SUM(t0.income) AS s, AVG(t0.score) AS a FROM t0 GROUP BY t0.district ORDER BY 1",
            "SELECT COUNT(*) FROM t0",
            "SELECT t0.active, t0.born, COUNT(DISTINCT t0.person_id) AS k FROM t0 WHERE t0.district = 'd3' GROUP BY ALL ORDER BY 1, 2 LIMIT 50",
            "SELECT year(born) AS y, SUM(income) AS s, COUNT(score) AS c FROM t0 WHERE active AND score > 10 GROUP BY 1 ORDER BY 1",
            "SELECT district, MIN(note) AS lo, MAX(note) AS hi FROM t0 WHERE born < DATE '2010-01-01' GROUP BY district ORDER BY 1",
            "SELECT \"INCOME\" % 3 AS m, COUNT(*) AS n FROM t0 WHERE PERSON_ID = 'P77' OR district IN ('d1', 'd2') GROUP BY 1 ORDER BY 1");

    @ParameterizedTest
    @EnumSource(Suite.class)
    void releasesExactlyWhatTheWholePlaintextFileReleasesForEveryShape(Suite suite) throws Exception {
        Path plain = plaintext();
        Sealed sealed = seal(plain, suite);
        for (int i = 0; i < SHAPES.size(); i++) {
            String sql = SHAPES.get(i);
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
                s.execute("SET threads=1"); // floating-point sums in one order on both sides
                long rows = ParquetInput.load(c, table(sealed), sealed.key(), sealed.blob(), dir.resolve("job" + suite + i + ".parquet"), sql);
                assertThat(rows).isEqualTo(ROWS);
                s.execute("CREATE VIEW whole AS SELECT * FROM read_parquet('" + plain + "')");
                assertThat(rows(c, sql)).as(sql).isEqualTo(rows(c, sql.replace("t0", "whole"))).isNotEmpty();
            }
        }
    }

    @Test
    void columnsTheSqlNeverNamesStayUndecryptedAndAreNotInTheView() throws Exception {
        Path plain = plaintext();
        Sealed sealed = seal(plain, Suite.INTL);
        Path job = dir.resolve("job.parquet");
        String sql = "SELECT t0.district, SUM(t0.income) FROM t0 GROUP BY t0.district";
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            ParquetInput.load(c, table(sealed), sealed.key(), sealed.blob(), job, sql);
            List<String> names = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT column_name FROM (DESCRIBE t0)")) {
                while (rs.next()) names.add(rs.getString(1));
            }
            assertThat(names).containsExactly("district", "income");
            long noteBytes = 0;
            long noteDecrypted = 0;
            byte[] original = Files.readAllBytes(plain);
            byte[] partial = Files.readAllBytes(job);
            assertThat(partial).hasSameSizeAs(original);
            try (ResultSet rs = s.executeQuery("SELECT path_in_schema, data_page_offset, total_compressed_size FROM parquet_metadata('" + plain + "')")) {
                while (rs.next()) {
                    int from = (int) rs.getLong(2);
                    int to = from + (int) rs.getLong(3);
                    for (int i = from; i < to; i++) {
                        if (rs.getString(1).equals("income")) assertThat(partial[i]).isEqualTo(original[i]);
                        if (rs.getString(1).equals("note")) {
                            noteBytes++;
                            if (partial[i] != 0) noteDecrypted++;
                        }
                    }
                }
            }
            // Only the segments a needed chunk shares with a note chunk (at most one at each end) are decrypted.
            assertThat(noteBytes).isGreaterThan(3_000_000);
            assertThat(noteDecrypted).as("note bytes decrypted").isLessThan(noteBytes / 10);
        }
    }

    @Test
    void tamperingWithAColumnTheJobReadsIsRefused() throws Exception {
        Path plain = plaintext();
        Sealed sealed = seal(plain, Suite.INTL);
        flip(sealed.blob(), ciphertextOffset(middleOfChunk(plain, "income", 2)));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
            Path job = dir.resolve("job.parquet");
            assertThatThrownBy(() -> ParquetInput.load(c, table(sealed), sealed.key(), sealed.blob(), job,
                    "SELECT district, SUM(income) FROM t0 GROUP BY district")).isInstanceOf(Unauthentic.class);
            assertThat(job).doesNotExist();
        }
    }

    @Test
    void tamperingWithTheFooterIsRefusedWhateverTheQuery() throws Exception {
        Sealed sealed = seal(plaintext(), Suite.GM);
        flip(sealed.blob(), Files.size(sealed.blob()) - 40);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
            assertThatThrownBy(() -> ParquetInput.load(c, table(sealed), sealed.key(), sealed.blob(), dir.resolve("job.parquet"),
                    "SELECT COUNT(*) FROM t0")).isInstanceOf(Unauthentic.class);
        }
    }

    @Test
    void tamperingWithAColumnTheJobNeverReadsDoesNotChangeItsResult() throws Exception {
        Path plain = plaintext();
        Sealed sealed = seal(plain, Suite.INTL);
        flip(sealed.blob(), ciphertextOffset(middleOfChunk(plain, "note", 1)));
        String sql = "SELECT district, SUM(income) AS s FROM t0 GROUP BY district ORDER BY 1";
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            ParquetInput.load(c, table(sealed), sealed.key(), sealed.blob(), dir.resolve("job.parquet"), sql);
            s.execute("CREATE VIEW whole AS SELECT * FROM read_parquet('" + plain + "')");
            assertThat(rows(c, sql)).isEqualTo(rows(c, sql.replace("t0", "whole")));
        }
    }

    /** A plaintext offset in the middle of {@code column}'s chunk in row group {@code rowGroup}. */
    static long middleOfChunk(Path plain, String column, int rowGroup) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT data_page_offset + total_compressed_size / 2 FROM parquet_metadata('" + plain
                     + "') WHERE path_in_schema = '" + column + "' AND row_group_id = " + rowGroup)) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }

    /** Where plaintext byte {@code at} lies in a v2 stream: 26-byte header, then 64 KiB segments each followed by a 16-byte tag. */
    static long ciphertextOffset(long at) {
        long segment = 1 << 16;
        return 26 + (at / segment) * (segment + 16) + at % segment;
    }

    static void flip(Path file, long at) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x40);
        }
    }
}
