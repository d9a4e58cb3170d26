package io.veil.gateway.ingest;

import io.veil.crypto.DataKey;
import io.veil.crypto.Suite;
import io.veil.policy.ColumnRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

/** The Parquet copy on a real RAM directory and a real DuckDB: exact uniqueness, fallbacks, nothing left behind. */
class ParquetCopyTest {
    static final Path SHM = Path.of("/dev/shm");
    static final List<ColumnInfo> SCHEMA = List.of(new ColumnInfo("person_id", "VARCHAR", ColumnRole.ENTITY_ID),
            new ColumnInfo("district", "VARCHAR", ColumnRole.DIMENSION), new ColumnInfo("income", "BIGINT", ColumnRole.METRIC));
    static final byte[] AAD = "ds:1:parquet".getBytes(StandardCharsets.UTF_8);

    record Copied(Optional<ParquetCopy.Converted> converted, byte[] ciphertext, DataKey key) {}

    static Copied copy(String normalisedCsv, long limit, Path ramDir) throws Exception {
        DataKey key = DataKey.generate(Suite.INTL);
        ByteArrayOutputStream csvBlob = new ByteArrayOutputStream();
        ByteArrayOutputStream parquetBlob = new ByteArrayOutputStream();
        Optional<ParquetCopy.Converted> c;
        try (ParquetCopy copy = ParquetCopy.start(ramDir, limit)) {
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
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("veil-parquet-")).toList();
        }
    }

    @Test
    void uniqueNonNullEntitiesAreProvenAndTheCopyHoldsTheSameValues(@TempDir Path tmp) throws Exception {
        Copied c = copy(rows("a", "b", "c", "d"), 1 << 20, SHM);
        assertThat(c.converted()).contains(new ParquetCopy.Converted("person_id"));
        assertThat(leftovers()).isEmpty();
        // Decrypt (test-only, to a temp file) and read it back: quoting, commas and NULLs survived.
        Path plain = tmp.resolve("back.parquet");
        Path enc = Files.write(tmp.resolve("c.enc"), c.ciphertext());
        c.key().decryptFile(enc, plain, AAD);
        try (Connection conn = DriverManager.getConnection("jdbc:duckdb:"); Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT string_agg(person_id || '|' || district || '|' || coalesce(income::VARCHAR, 'NULL'), ';' "
                     + "ORDER BY person_id) FROM read_parquet('" + plain + "')")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("a|d, 0|100;b|d, 1|NULL;c|d, 2|102;d|d, 0|103");
        }
    }

    @Test
    void aRepeatedEntityIsNotUnique() throws Exception {
        assertThat(copy(rows("a", "b", "a"), 1 << 20, SHM).converted()).contains(new ParquetCopy.Converted(null));
    }

    @Test
    void aMissingEntityIsNotUnique() throws Exception {
        assertThat(copy(rows("a", "", "c"), 1 << 20, SHM).converted()).contains(new ParquetCopy.Converted(null));
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
