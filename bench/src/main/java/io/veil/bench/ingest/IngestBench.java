package io.veil.bench.ingest;

import io.veil.crypto.DataKey;
import io.veil.crypto.Suite;
import io.veil.gateway.datasets.PipelinedOutputStream;
import io.veil.gateway.ingest.CsvIngest;
import io.veil.gateway.ingest.JobCopy;
import io.veil.gateway.ingest.IngestLimits;
import io.veil.gateway.ingest.IngestResult;
import io.veil.gateway.ingest.RamSpool;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dataset ingest (strict CSV parse + type inference + statistics + streaming AEAD encryption + write,
 * with encryption on a second thread exactly as DatasetService does it) vs raw cipher throughput
 * over the same bytes, in one run, for both suites.
 * Usage: bench/run.sh ingest.IngestBench [megabytes] (default 1024).
 * The baseline encrypts the file in 64 KiB segments with the bare cipher (JDK AES-GCM for INTL,
 * Bouncy Castle SM4-GCM for GM) and writes the ciphertext — what ingest would cost if parsing,
 * validation and statistics were free.
 */
public final class IngestBench {
    static final int SEGMENT = 64 * 1024;

    public static void main(String[] args) throws Exception {
        long mb = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "veil-ingestbench"));
        Path csv = dir.resolve("input-" + mb + "mb.csv");
        Path out = dir.resolve("out.bin");
        Path copyOut = dir.resolve("out.copy.bin");
        if (!Files.exists(csv) || Files.size(csv) < mb << 20) generate(csv, mb << 20);
        long bytes = Files.size(csv);
        System.out.printf("input: %,d bytes of CSV (%s)%n%n", bytes, csv);
        Map<String, String> roles = new LinkedHashMap<>();
        roles.put("person_id", "ENTITY_ID");
        roles.put("district", "DIMENSION");
        roles.put("age_band", "QUASI_IDENTIFIER");
        roles.put("income", "METRIC");
        roles.put("note", "SENSITIVE");
        IngestLimits limits = IngestLimits.defaults().withMaxBytes(Long.MAX_VALUE);
        RamSpool spool = RamSpool.open(RamSpool.SHM, dir); // the bench's own namespace, as a node has one

        System.out.println("| suite | raw cipher (MB/s) | Veil ingest, CSV blob only (MB/s) | ingest / raw "
                + "| Veil ingest + DuckDB job copy (MB/s, as uploads run now) | with copy / raw |");
        System.out.println("|---|---|---|---|---|---|");
        for (Suite suite : Suite.values()) {
            double raw = 0;
            double ingest = 0;
            double withCopy = 0;
            for (int round = 0; round < 3; round++) { // round 0 warms up; best of the rest
                raw = Math.max(raw, mbPerSecond(bytes, () -> rawCipher(suite, csv, out)));
                ingest = Math.max(ingest, mbPerSecond(bytes, () -> {
                    DataKey key = DataKey.generate(suite);
                    try (InputStream in = Files.newInputStream(csv);
                         OutputStream enc = new PipelinedOutputStream(key.encryptingStream(
                                 new BufferedOutputStream(Files.newOutputStream(out), 1 << 16), "bench:1".getBytes(StandardCharsets.UTF_8)))) {
                        IngestResult r = CsvIngest.ingest(in, roles, limits, enc);
                        if (r == null) throw new IllegalStateException("no result");
                    }
                }));
                // As DatasetService does it since ADR 0015/0019: the normalised CSV is also teed to /dev/shm, converted
                // to Parquet with the exact entity-uniqueness count, written as the DuckDB job copy, and that copy
                // encrypted into a second blob.
                withCopy = Math.max(withCopy, mbPerSecond(bytes, () -> {
                    DataKey key = DataKey.generate(suite);
                    IngestResult r;
                    try (JobCopy copy = JobCopy.start(spool, 4L << 30, JobCopy.Format.DUCKDB)) {
                        try (InputStream in = Files.newInputStream(csv);
                             OutputStream enc = new PipelinedOutputStream(key.encryptingStream(
                                     new BufferedOutputStream(Files.newOutputStream(out), 1 << 16), "bench:1".getBytes(StandardCharsets.UTF_8)))) {
                            r = CsvIngest.ingest(in, roles, limits, copy.tee(enc));
                        }
                        var converted = copy.convert(r.schema(), key, "bench:1:duckdb".getBytes(StandardCharsets.UTF_8),
                                new BufferedOutputStream(Files.newOutputStream(copyOut), 1 << 16));
                        if (converted.isEmpty()) throw new IllegalStateException("no job copy");
                    }
                }));
            }
            System.out.printf("| %s | %.0f | %.0f | %.2f | %.0f | %.2f |%n", suite, raw, ingest, ingest / raw, withCopy, withCopy / raw);
        }
        Files.deleteIfExists(out);
        Files.deleteIfExists(copyOut);
    }

    interface Body {
        void run() throws Exception;
    }

    static double mbPerSecond(long bytes, Body body) throws Exception {
        long t0 = System.nanoTime();
        body.run();
        return bytes / 1e6 / ((System.nanoTime() - t0) / 1e9);
    }

    static void rawCipher(Suite suite, Path in, Path out) throws Exception {
        SecureRandom rnd = new SecureRandom();
        byte[] key = new byte[suite == Suite.INTL ? 32 : 16];
        rnd.nextBytes(key);
        byte[] buf = new byte[SEGMENT];
        byte[] ct = new byte[SEGMENT + 16];
        byte[] iv = new byte[12];
        Cipher aes = suite == Suite.INTL ? Cipher.getInstance("AES/GCM/NoPadding") : null;
        GCMBlockCipher sm4 = suite == Suite.GM ? (GCMBlockCipher) GCMBlockCipher.newInstance(new SM4Engine()) : null;
        try (InputStream src = Files.newInputStream(in); OutputStream dst = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
            int n;
            while ((n = src.readNBytes(buf, 0, SEGMENT)) > 0) {
                rnd.nextBytes(iv);
                int len;
                if (aes != null) {
                    aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
                    len = aes.doFinal(buf, 0, n, ct, 0);
                } else {
                    sm4.init(true, new AEADParameters(new KeyParameter(key), 128, iv));
                    len = sm4.processBytes(buf, 0, n, ct, 0);
                    len += sm4.doFinal(ct, len);
                }
                dst.write(iv);
                dst.write(ct, 0, len);
            }
        }
    }

    /** Synthetic residents: ids, districts, age bands, integer incomes and a free-text column with quoting. */
    static void generate(Path csv, long targetBytes) throws Exception {
        java.util.SplittableRandom r = new java.util.SplittableRandom(42);
        String[] bands = {"18-29", "30-44", "45-59", "60+"};
        try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            w.write("person_id,district,age_band,income,note\n");
            long written = 0;
            for (long i = 0; written < targetBytes; i++) {
                String line = "P" + i + ",district_" + (i % 64) + "," + bands[(int) (i % 4)] + "," + r.nextInt(200_000)
                        + ",\"visit " + r.nextInt(1000) + ", follow-up \"\"" + (char) ('a' + r.nextInt(26)) + "\"\"\"\n";
                w.write(line);
                written += line.length();
            }
        }
    }
}
