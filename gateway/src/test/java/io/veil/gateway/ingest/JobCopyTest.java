package io.veil.gateway.ingest;

import io.veil.crypto.DataKey;
import io.veil.crypto.Suite;
import io.veil.policy.ColumnRole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The job copy on a real RAM directory and a real DuckDB, in both formats: exact uniqueness, the same values, fallbacks, nothing left behind. */
class JobCopyTest {
    /** A namespace of its own on /dev/shm, as every node has (other processes may spool on this machine meanwhile). */
    static RamSpool spool;
    static Path SHM;

    @BeforeAll
    static void namespace(@TempDir Path dataDir) {
        spool = RamSpool.open(RamSpool.SHM, dataDir);
        SHM = spool.dir().orElseThrow();
    }

    @AfterAll
    static void removeNamespace() {
        spool.close();
    }
    static final List<ColumnInfo> SCHEMA = List.of(new ColumnInfo("person_id", "VARCHAR", ColumnRole.ENTITY_ID),
            new ColumnInfo("district", "VARCHAR", ColumnRole.DIMENSION), new ColumnInfo("income", "BIGINT", ColumnRole.METRIC));
    static final byte[] AAD = "ds:1:copy".getBytes(StandardCharsets.UTF_8);

    record Copied(Optional<JobCopy.Converted> converted, byte[] ciphertext, DataKey key) {}

    static Copied copy(String normalisedCsv, long limit, Path ramDir) throws Exception {
        return copy(normalisedCsv, limit, ramDir, JobCopy.Format.DUCKDB);
    }

    static Copied copy(String normalisedCsv, long limit, Path ramDir, JobCopy.Format format) throws Exception {
        DataKey key = DataKey.generate(Suite.INTL);
        ByteArrayOutputStream csvBlob = new ByteArrayOutputStream();
        ByteArrayOutputStream parquetBlob = new ByteArrayOutputStream();
        Optional<JobCopy.Converted> c;
        try (JobCopy copy = JobCopy.start(ramDir, limit, format)) {
            try (OutputStream tee = copy.tee(csvBlob)) {
                tee.write(normalisedCsv.getBytes(StandardCharsets.UTF_8));
            }
            c = copy.convert(SCHEMA, key, AAD, parquetBlob);
        }
        assertThat(csvBlob.toString(StandardCharsets.UTF_8)).as("the CSV sink gets every byte").isEqualTo(normalisedCsv);
        return new Copied(c, parquetBlob.toByteArray(), key);
    }

    static String rows(String... ids) {
        StringBuilder sb = new StringBuilder("person_id,district,income\n");
        for (int i = 0; i < ids.length; i++) sb.append(ids[i]).append(",\"d, ").append(i % 3).append("\",").append(i == 1 ? "" : 100 + i).append('\n');
        return sb.toString();
    }

    static List<String> leftovers() throws Exception {
        try (Stream<Path> s = Files.list(SHM)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("veil-copy-")).toList();
        }
    }

    @ParameterizedTest
    @EnumSource(JobCopy.Format.class)
    void uniqueNonNullEntitiesAreProvenAndTheCopyHoldsTheSameValues(JobCopy.Format format, @TempDir Path tmp) throws Exception {
        Copied c = copy(rows("a", "b", "c", "d"), 1 << 20, SHM, format);
        assertThat(c.converted()).contains(new JobCopy.Converted("person_id"));
        assertThat(leftovers()).isEmpty();
        // Decrypt (test-only, to a temp file) and read it back: quoting, commas and NULLs survived.
        Path plain = tmp.resolve("back." + format.id());
        Path enc = Files.write(tmp.resolve("c.enc"), c.ciphertext());
        c.key().decryptFile(enc, plain, AAD);
        String relation = "read_parquet('" + plain + "')";
        try (Connection conn = DriverManager.getConnection("jdbc:duckdb:"); Statement s = conn.createStatement()) {
            if (format == JobCopy.Format.DUCKDB) {
                byte[] all = Files.readAllBytes(plain);
                // The trailer: JSON length, DuckDB file length (8 bytes each, big-endian), then the magic.
                assertThat(new String(all, all.length - 8, 8, StandardCharsets.US_ASCII)).isEqualTo("VEILDDB1");
                long fileBytes = java.nio.ByteBuffer.wrap(all, all.length - 16, 8).getLong();
                try (var f = new java.io.RandomAccessFile(plain.toFile(), "rw")) {
                    f.setLength(fileBytes);
                }
                s.execute("ATTACH '" + plain + "' AS back (READ_ONLY)");
                relation = "back.data";
                try (ResultSet rs = s.executeQuery("SELECT data_type FROM duckdb_columns() WHERE database_name = 'back' ORDER BY column_index")) {
                    List<String> types = new java.util.ArrayList<>();
                    while (rs.next()) types.add(rs.getString(1));
                    // Every text column has few distinct values here, so each is an ENUM, sorted as VARCHAR sorts.
                    assertThat(types).containsExactly("ENUM('a', 'b', 'c', 'd')", "ENUM('d, 0', 'd, 1', 'd, 2')", "BIGINT");
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT string_agg(person_id || '|' || district || '|' || coalesce(income::VARCHAR, 'NULL'), ';' "
                    + "ORDER BY person_id) FROM " + relation)) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("a|d, 0|100;b|d, 1|NULL;c|d, 2|102;d|d, 0|103");
            }
        }
    }

    @Test
    void aRepeatedEntityIsNotUnique() throws Exception {
        assertThat(copy(rows("a", "b", "a"), 1 << 20, SHM).converted()).contains(new JobCopy.Converted(null));
    }

    @Test
    void aMissingEntityIsNotUnique() throws Exception {
        assertThat(copy(rows("a", "", "c"), 1 << 20, SHM).converted()).contains(new JobCopy.Converted(null));
    }

    @Test
    void pastTheSpoolLimitTheVersionIsCsvOnlyAndTheSpoolIsGone() throws Exception {
        Copied c = copy(rows("a", "b", "c", "d", "e", "f"), 40, SHM);
        assertThat(c.converted()).isEmpty();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void withoutAUsableRamDirectoryTheVersionIsCsvOnly(@TempDir Path tmp) throws Exception {
        assertThat(copy(rows("a", "b"), 1 << 20, tmp.resolve("missing")).converted()).isEmpty();
    }
}
