package io.veil.bench.jobs;

import io.veil.crypto.DataKey;
import io.veil.crypto.Suite;
import io.veil.policy.ColumnRole;
import io.veil.sandbox.analysis.AnalysisResult;
import io.veil.sandbox.analysis.ColumnSchema;
import io.veil.sandbox.analysis.SqlAnalyzer;
import io.veil.sandbox.analysis.TableBinding;
import io.veil.sandbox.plan.DatasetRules;
import io.veil.sandbox.plan.ExecutionPlan;
import io.veil.sandbox.plan.PlanResult;
import io.veil.sandbox.plan.QueryPlanner;
import io.veil.sandbox.worker.BubblewrapSandboxRunner;
import io.veil.sandbox.worker.DuckDbCopy;
import io.veil.sandbox.worker.WorkerRequest;
import io.veil.sandbox.worker.WorkerResponse;

import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.Map;

/**
 * Sandboxed aggregate job over an encrypted dataset vs plain DuckDB on the same data as plaintext
 * Parquet, in one run. Usage: [BENCH_JAVA_OPTS=-DpauseMs=N] bench/run.sh jobs.JobBench [rows] [duckdb|parquet|csv] [proven|unknown]
 * (default 10,000,000, duckdb, proven: the entity uniqueness ingest would record).
 * The Veil path is analysis + planning + a fresh bubblewrap worker (JVM start, decrypt, load,
 * query, k-threshold enforcement); the baseline is one in-process DuckDB query on Parquet.
 */
public final class JobBench {
    static final String SQL = "SELECT district, age_band, COUNT(*) AS n, AVG(income) AS avg_income, SUM(income) AS total "
            + "FROM residents GROUP BY district, age_band";

    /** The generated residents: unique person ids, 16 districts × 4 age bands, incomes 0..49,999. */
    static String generator(long rows) {
        return "SELECT 'P' || i AS person_id, 'district_' || (i % 16) AS district, "
                + "CASE WHEN i % 4 = 0 THEN '18-29' WHEN i % 4 = 1 THEN '30-44' WHEN i % 4 = 2 THEN '45-59' ELSE '60+' END AS age_band, "
                + "(hash(i) % 50000)::BIGINT AS income FROM range(" + rows + ") t(i)";
    }

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "veil-jobbench-" + rows);
        Files.createDirectories(dir);
        Path parquet = dir.resolve("residents.parquet");
        Path blob = dir.resolve("residents.enc");
        Path parquetBlob = dir.resolve("residents.parquet.enc");
        Path duckDbBlob = dir.resolve("residents.duckdb.enc");
        // Input format of the Veil job: duckdb (the default since ADR 0019), parquet (ADR 0015) or csv (versions stored before).
        String format = args.length > 1 ? args[1] : WorkerRequest.Table.DUCKDB;
        // Entity uniqueness: "proven" computes it exactly as ingest does (JobCopy); "unknown" forces COUNT(DISTINCT).
        boolean useUniqueness = args.length <= 2 || !args[2].equals("unknown");
        DataKey key = DataKey.generate(Suite.INTL);
        String gen = generator(rows);
        long tGen = System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (" + gen + ") TO '" + parquet + "' (FORMAT parquet)");
            Path csv = dir.resolve("plain.csv");
            s.execute("COPY (" + gen + ") TO '" + csv + "' (HEADER, DELIMITER ',')");
            try (InputStream in = Files.newInputStream(csv);
                 OutputStream out = key.encryptingStream(Files.newOutputStream(blob), "bench:1".getBytes(StandardCharsets.UTF_8))) {
                in.transferTo(out);
            }
            Files.delete(csv);
            try (InputStream in = Files.newInputStream(parquet);
                 OutputStream out = key.encryptingStream(Files.newOutputStream(parquetBlob), "bench:1:parquet".getBytes(StandardCharsets.UTF_8))) {
                in.transferTo(out);
            }
            // The DuckDB job copy exactly as ingest writes it (JobCopy → DuckDbCopy): from the Parquet file.
            Path copy = dir.resolve("residents.duckdb");
            Files.deleteIfExists(copy);
            DuckDbCopy.write(c, "read_parquet('" + parquet + "')", List.of(new WorkerRequest.Column("person_id", "VARCHAR"),
                    new WorkerRequest.Column("district", "VARCHAR"), new WorkerRequest.Column("age_band", "VARCHAR"),
                    new WorkerRequest.Column("income", "BIGINT")), copy);
            try (InputStream in = Files.newInputStream(copy);
                 OutputStream out = key.encryptingStream(Files.newOutputStream(duckDbBlob), "bench:1:duckdb".getBytes(StandardCharsets.UTF_8))) {
                in.transferTo(out);
            }
            Files.delete(copy);
        }
        boolean unique = false;
        if (useUniqueness) {
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) = COUNT(DISTINCT person_id) FROM read_parquet('" + parquet + "')")) {
                unique = rs.next() && rs.getBoolean(1);
            }
        }
        // As ingest records them: the generated columns hold no NULLs (-DnullsUnknown=true: every aggregate support-counted).
        java.util.Set<String> nonNull = Boolean.getBoolean("nullsUnknown") ? java.util.Set.of()
                : java.util.Set.of("person_id", "district", "age_band", "income");
        DatasetRules rules = new DatasetRules("person_id", 10, null, unique, nonNull);
        System.out.printf("generated %,d rows in %.1f s (parquet %,d bytes, encrypted csv %,d bytes, encrypted parquet %,d bytes, "
                + "encrypted DuckDB copy %,d bytes); Veil job reads %s, entity unique per row: %s, columns known non-null: %s%n", rows,
                (System.nanoTime() - tGen) / 1e9, Files.size(parquet), Files.size(blob), Files.size(parquetBlob), Files.size(duckDbBlob), format,
                useUniqueness ? String.valueOf(unique) : "unknown", !nonNull.isEmpty());

        // Baseline: plain DuckDB over plaintext Parquet in this process, warm: best of 3 after a first run,
        // and once more right before every Veil run (paired, so machine drift hits both sides of each ratio).
        Connection plainDb = DriverManager.getConnection("jdbc:duckdb:");
        Statement plain = plainDb.createStatement();
        plain.execute("SET threads=2");
        String plainSql = SQL.replace("FROM residents", "FROM read_parquet('" + parquet + "')");
        double baseline = Double.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            double t = timed(plain, plainSql);
            if (i > 0) baseline = Math.min(baseline, t);
        }

        var cols = List.of(new ColumnSchema("person_id", "VARCHAR", ColumnRole.ENTITY_ID),
                new ColumnSchema("district", "VARCHAR", ColumnRole.DIMENSION), new ColumnSchema("age_band", "VARCHAR", ColumnRole.DIMENSION),
                new ColumnSchema("income", "BIGINT", ColumnRole.METRIC));
        // Two Veil paths: a pre-started warm worker (the gateway default, ADR 0016; each run waits until the
        // pool's replacement is warm, i.e. jobs arriving a few seconds apart) and a fresh worker per job.
        WorkerRequest.Limits limits = new WorkerRequest.Limits(8192, 2, 600_000, 100_000);
        Map<String, Veil> veil = new java.util.LinkedHashMap<>();
        for (String mode : List.of("warm", "fresh")) {
            // Warm workers get the job's ciphertext hard-linked into their inbox, beside the blob as in the gateway (ADR 0017).
            try (BubblewrapSandboxRunner runner = mode.equals("warm") ? new BubblewrapSandboxRunner(1, limits, dir.resolve("inboxes"))
                    : new BubblewrapSandboxRunner()) {
                Veil v = new Veil();
                // One unrecorded run first, as for the baseline: it warms this process (runner, JSON, analyser).
                for (int i = 0; i <= (mode.equals("warm") ? 7 : 3); i++) {
                    if (mode.equals("warm") && !runner.awaitWarmWorker(120_000)) throw new IllegalStateException("no warm worker");
                    // -DpauseMs: the warm worker idles that long before its job, as between jobs arriving seconds apart.
                    if (mode.equals("warm")) Thread.sleep(Long.getLong("pauseMs", 0));
                    double pairedPlain = timed(plain, plainSql);
                    long t0 = System.nanoTime();
                    var analysed = (AnalysisResult.Accepted) new SqlAnalyzer().analyze(SQL, Map.of("residents", new TableBinding("ds", "residents", cols)));
                    var planned = (PlanResult.Planned) new QueryPlanner().plan(analysed.query(), Map.of("ds", rules), 1000);
                    ExecutionPlan plan = planned.plan();
                    long t1 = System.nanoTime();
                    Path input = switch (format) {
                        case WorkerRequest.Table.DUCKDB -> duckDbBlob;
                        case WorkerRequest.Table.PARQUET -> parquetBlob;
                        default -> blob;
                    };
                    var table = new WorkerRequest.Table("t0", input.toString(), "INTL",
                            Base64.getEncoder().encodeToString(key.exportForWorker()),
                            format.equals(WorkerRequest.Table.CSV) ? "bench:1" : "bench:1:" + format,
                            cols.stream().map(c -> new WorkerRequest.Column(c.name(), c.type())).toList(), format);
                    WorkerResponse r = runner.run("bench", new WorkerRequest(List.of(table), plan.sql(), plan.spec().toJson(), limits));
                    long t2 = System.nanoTime();
                    if (!r.ok()) throw new IllegalStateException("sandbox run failed: " + r.code());
                    if (i > 0) v.add((t2 - t0) / 1e9, (t1 - t0) / 1e9, pairedPlain, r);
                }
                veil.put(mode, v);
            }
        }
        // Second baseline: the same enforcing (rewritten) SQL the worker runs — per-group COUNT(DISTINCT
        // entity) for the k-threshold — in-process on plaintext Parquet. Separates the cost of privacy
        // enforcement from the cost of isolation and encryption.
        var analysedOnce = (AnalysisResult.Accepted) new SqlAnalyzer().analyze(SQL, Map.of("residents", new TableBinding("ds", "residents", cols)));
        var plannedOnce = (PlanResult.Planned) new QueryPlanner().plan(analysedOnce.query(), Map.of("ds", rules), 1000);
        double enforcing = Double.MAX_VALUE;
        List<Double> enforcingRatios = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET threads=2");
            s.execute("CREATE VIEW t0 AS SELECT * FROM read_parquet('" + parquet + "')");
            // Paired with the plain query in the same connection: what the privacy rewrite (row and
            // per-aggregate support counts) costs on its own, without isolation or decryption.
            for (int i = 0; i < 12; i++) {
                double p = timed(s, plainSql);
                double e = timed(s, plannedOnce.plan().sql());
                if (i > 0) {
                    enforcing = Math.min(enforcing, e);
                    enforcingRatios.add(e / p);
                }
            }
        }
        System.out.printf("enforcing SQL / plain SQL, paired in one connection (11 pairs): best %.2f×, median %.2f×%n",
                enforcingRatios.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                enforcingRatios.stream().sorted().toList().get(enforcingRatios.size() / 2));
        plain.close();
        plainDb.close();
        Veil warm = veil.get("warm");
        Veil fresh = veil.get("fresh");
        System.out.println();
        System.out.printf("| rows | plain DuckDB on Parquet (s) | same enforcing SQL on Parquet (s) | Veil job, warm worker: best / median (s) "
                + "| Veil job, fresh worker (s) | warm job / plain: best / median | paired warm job / plain: best / median |%n"
                + "|---|---|---|---|---|---|---|%n");
        System.out.printf("| %,d | %.3f | %.3f | %.3f / %.3f | %.3f | %.2f× / %.2f× | %.2f× / %.2f× |%n", rows, baseline, enforcing, warm.best,
                warm.median(warm.totals), fresh.best, warm.best / baseline, warm.median(warm.totals) / baseline,
                warm.ratios.stream().mapToDouble(Double::doubleValue).min().orElseThrow(), warm.median(warm.ratios));
        System.out.println();
        for (var e : veil.entrySet()) {
            var st = e.getValue().last.stats();
            System.out.printf("%s worker, last run: analysis+plan %.3f s, worker start %d ms, decrypt+load %d ms, query %d ms, enforce %d ms; "
                    + "released %d rows, suppressed %d%n", e.getKey(), e.getValue().analysis, st.workerStartMillis(), st.decryptLoadMillis(),
                    st.queryMillis(), st.enforceMillis(), e.getValue().last.table().rows().size(), e.getValue().last.rowsSuppressed());
            System.out.printf("  each run (total s vs the plain query right before it, worker start / decrypt+load / query / enforce ms): %s%n", String.join(", ", e.getValue().phases));
        }
    }

    static double timed(Statement s, String sql) throws java.sql.SQLException {
        long t0 = System.nanoTime();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) { /* drain */ }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Best and median total, best analysis+plan, the last response and every run's phases of one Veil path. */
    private static final class Veil {
        double best = Double.MAX_VALUE;
        double analysis = Double.MAX_VALUE;
        final List<Double> totals = new ArrayList<>();
        /** Each run's total over the plain query timed right before it. */
        final List<Double> ratios = new ArrayList<>();
        WorkerResponse last;
        final List<String> phases = new ArrayList<>();

        double median(List<Double> values) {
            List<Double> sorted = values.stream().sorted().toList();
            return sorted.get(sorted.size() / 2);
        }

        void add(double total, double plan, double pairedPlain, WorkerResponse r) {
            best = Math.min(best, total);
            totals.add(total);
            ratios.add(total / pairedPlain);
            analysis = Math.min(analysis, plan);
            last = r;
            var ps = r.stats();
            phases.add(String.format("%.3f vs %.3f (%d/%d/%d/%d)", total, pairedPlain, ps.workerStartMillis(), ps.decryptLoadMillis(), ps.queryMillis(),
                    ps.enforceMillis()));
        }
    }
}
