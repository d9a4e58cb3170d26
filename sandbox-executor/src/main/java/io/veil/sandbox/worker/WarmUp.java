package io.veil.sandbox.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.crypto.DataKey;
import io.veil.crypto.Suite;
import io.veil.sandbox.privacy.EnforcementSpec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a pre-started worker does before it waits for its job (ADR 0016): runs the whole job path —
 * decrypt, DuckDB load over the DuckDB and Parquet copies and CSV, grouped query, enforcement, JSON — on synthetic data under
 * a throwaway key, so the job itself runs on compiled code with DuckDB's native library loaded. Only
 * generated values are involved; its scratch directory is removed afterwards.
 */
final class WarmUp {
    /** The mapper the job's request and answer go through: its (de)serializers are what must be warm. */
    private static final ObjectMapper JSON = WorkerMain.JSON;
    private static final int ROWS = 300_000;
    /** Decrypting this much brings the AEAD loop to C2 (measured: 8 MiB × 16 → a 87 MB input in ~60 ms instead of ~700 ms). */
    private static final int CRYPTO_MIB = 8;
    private static final int CRYPTO_ROUNDS = 16;

    private WarmUp() {}

    static void run(Path scratch) {
        try {
            Files.createDirectories(scratch);
            DataKey key = DataKey.generate(Suite.INTL);
            warmCrypto(key, scratch);
            Path plainParquet = scratch.resolve("synthetic.parquet");
            Path plainCsv = scratch.resolve("synthetic.csv");
            Path plainDuckDb = scratch.resolve("synthetic.duckdb");
            List<WorkerRequest.Column> cols = List.of(new WorkerRequest.Column("entity", "VARCHAR"),
                    new WorkerRequest.Column("grp", "VARCHAR"), new WorkerRequest.Column("metric", "BIGINT"));
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
                String gen = "SELECT 'e' || i AS entity, 'g' || (i % 16) AS grp, (i % 1000)::BIGINT AS metric FROM range(" + ROWS + ") t(i)";
                s.execute("COPY (" + gen + ") TO '" + plainParquet + "' (FORMAT parquet)");
                s.execute("COPY (" + gen + ") TO '" + plainCsv + "' (HEADER, DELIMITER ',')");
                DuckDbCopy.write(c, "read_parquet('" + plainParquet + "')", cols, plainDuckDb);
            }
            String sql = "SELECT grp, count(*) AS n, sum(metric) AS s, avg(metric) AS a, count(DISTINCT entity) AS __veil_k_0 "
                    + "FROM t0 GROUP BY grp";
            var spec = new EnforcementSpec(1, 10, true, 1000, null, false,
                    Stream.of("grp", "n", "s", "a").map(EnforcementSpec.Output::plain).toList(),
                    List.of(new EnforcementSpec.EntityCount("__veil_k_0", false, 0)), List.of("__veil_k_0"), null).toJson();
            for (int round = 0; round < 3; round++) {
                for (String format : List.of(WorkerRequest.Table.DUCKDB, WorkerRequest.Table.PARQUET, WorkerRequest.Table.CSV)) {
                    Path plain = switch (format) {
                        case WorkerRequest.Table.DUCKDB -> plainDuckDb;
                        case WorkerRequest.Table.PARQUET -> plainParquet;
                        default -> plainCsv;
                    };
                    Path blob = scratch.resolve("synthetic." + format + ".enc");
                    try (OutputStream out = key.encryptingStream(Files.newOutputStream(blob), "warm".getBytes(StandardCharsets.UTF_8))) {
                        Files.copy(plain, out);
                    }
                    var table = new WorkerRequest.Table("t0", blob.toString(), Suite.INTL.name(),
                            Base64.getEncoder().encodeToString(key.exportForWorker()), "warm", cols, format);
                    // Through JSON both ways, as a job arrives and leaves (a cold request mapper cost ~10 ms per job).
                    WorkerRequest request = JSON.readValue(JSON.writeValueAsBytes(new WorkerRequest(List.of(table), sql, spec,
                            WorkerRequest.Limits.defaults())), WorkerRequest.class);
                    WorkerResponse r = Worker.execute(request, scratch.resolve("job"));
                    JSON.writeValueAsBytes(r);
                    deleteTree(scratch.resolve("job"));
                }
            }
        } catch (Exception | LinkageError e) {
            // A failed warm-up only costs speed: the job then runs on a cold JVM, as without a pool.
        } finally {
            deleteTree(scratch);
        }
    }

    private static void warmCrypto(DataKey key, Path scratch) throws IOException {
        Path blob = scratch.resolve("zeros.enc");
        Path plain = scratch.resolve("zeros");
        try (OutputStream out = key.encryptingStream(Files.newOutputStream(blob), "warm".getBytes(StandardCharsets.UTF_8))) {
            out.write(new byte[CRYPTO_MIB << 20]);
        }
        for (int i = 0; i < CRYPTO_ROUNDS; i++) {
            key.decryptFile(blob, plain, "warm".getBytes(StandardCharsets.UTF_8));
            Files.delete(plain);
        }
        Files.delete(blob);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // tmpfs: gone with the sandbox
        }
    }
}
