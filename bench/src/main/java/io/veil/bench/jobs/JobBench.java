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
 * Parquet, in one run. Usage: bench/run.sh jobs.JobBench [rows] [parquet|csv] (default 10,000,000, parquet).
 * The Veil path is analysis + planning + a fresh bubblewrap worker (JVM start, decrypt, load,
 * query, k-threshold enforcement); the baseline is one in-process DuckDB query on Parquet.
 */
public final class JobBench {
    static final String SQL = "SELECT district, age_band, COUNT(*) AS n, AVG(income) AS avg_income, SUM(income) AS total "
            + "FROM residents GROUP BY district, age_band";

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "veil-jobbench-" + rows);
        Files.createDirectories(dir);
        Path parquet = dir.resolve("residents.parquet");
        Path blob = dir.resolve("residents.enc");
        Path parquetBlob = dir.resolve("residents.parquet.enc");
        // Input format of the Veil job: parquet (the default since ADR 0015) or csv (versions stored before it).
        String format = args.length > 1 ? args[1] : WorkerRequest.Table.PARQUET;
        DataKey key = DataKey.generate(Suite.INTL);
        String gen = "SELECT 'P' || i AS person_id, 'district_' || (i % 16) AS district, "
                + "CASE WHEN i % 4 = 0 THEN '18-29' WHEN i % 4 = 1 THEN '30-44' WHEN i % 4 = 2 THEN '45-59' ELSE '60+' END AS age_band, "
                + "(hash(i) % 50000)::BIGINT AS income FROM range(" + rows + ") t(i)";
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
        }
        System.out.printf("generated %,d rows in %.1f s (parquet %,d bytes, encrypted csv %,d bytes, encrypted parquet %,d bytes); "
                + "Veil job reads %s%n", rows, (System.nanoTime() - tGen) / 1e9, Files.size(parquet), Files.size(blob),
                Files.size(parquetBlob), format);

        // Baseline: plain DuckDB over plaintext Parquet, warm, best of 3.
        double baseline = Double.MAX_VALUE;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET threads=2");
            String q = SQL.replace("FROM residents", "FROM read_parquet('" + parquet + "')");
            for (int i = 0; i < 4; i++) {
                long t0 = System.nanoTime();
                try (ResultSet rs = s.executeQuery(q)) {
                    while (rs.next()) { /* drain */ }
                }
                if (i > 0) baseline = Math.min(baseline, (System.nanoTime() - t0) / 1e9);
            }
        }

        var cols = List.of(new ColumnSchema("person_id", "VARCHAR", ColumnRole.ENTITY_ID),
                new ColumnSchema("district", "VARCHAR", ColumnRole.DIMENSION), new ColumnSchema("age_band", "VARCHAR", ColumnRole.DIMENSION),
                new ColumnSchema("income", "BIGINT", ColumnRole.METRIC));
        BubblewrapSandboxRunner runner = new BubblewrapSandboxRunner();
        List<double[]> runs = new ArrayList<>();
        WorkerResponse last = null;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            var analysed = (AnalysisResult.Accepted) new SqlAnalyzer().analyze(SQL, Map.of("residents", new TableBinding("ds", "residents", cols)));
            var planned = (PlanResult.Planned) new QueryPlanner().plan(analysed.query(), Map.of("ds", new DatasetRules("person_id", 10, null)), 1000);
            ExecutionPlan plan = planned.plan();
            long t1 = System.nanoTime();
            boolean pq = format.equals(WorkerRequest.Table.PARQUET);
            var table = new WorkerRequest.Table("t0", (pq ? parquetBlob : blob).toString(), "INTL",
                    Base64.getEncoder().encodeToString(key.exportForWorker()), pq ? "bench:1:parquet" : "bench:1",
                    cols.stream().map(c -> new WorkerRequest.Column(c.name(), c.type())).toList(), format);
            last = runner.run("bench", new WorkerRequest(List.of(table), plan.sql(), plan.spec().toJson(),
                    new WorkerRequest.Limits(8192, 2, 600_000, 100_000)));
            long t2 = System.nanoTime();
            if (!last.ok()) throw new IllegalStateException("sandbox run failed: " + last.code());
            runs.add(new double[]{(t2 - t0) / 1e9, (t1 - t0) / 1e9});
        }
        // Second baseline: the same enforcing (rewritten) SQL the worker runs — per-group COUNT(DISTINCT
        // entity) for the k-threshold — in-process on plaintext Parquet. Separates the cost of privacy
        // enforcement from the cost of isolation and encryption.
        var analysedOnce = (AnalysisResult.Accepted) new SqlAnalyzer().analyze(SQL, Map.of("residents", new TableBinding("ds", "residents", cols)));
        var plannedOnce = (PlanResult.Planned) new QueryPlanner().plan(analysedOnce.query(), Map.of("ds", new DatasetRules("person_id", 10, null)), 1000);
        double enforcing = Double.MAX_VALUE;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET threads=2");
            s.execute("CREATE VIEW t0 AS SELECT * FROM read_parquet('" + parquet + "')");
            for (int i = 0; i < 4; i++) {
                long t0 = System.nanoTime();
                try (ResultSet rs = s.executeQuery(plannedOnce.plan().sql())) {
                    while (rs.next()) { /* drain */ }
                }
                if (i > 0) enforcing = Math.min(enforcing, (System.nanoTime() - t0) / 1e9);
            }
        }
        double best = runs.stream().mapToDouble(r -> r[0]).min().orElseThrow();
        double analysis = runs.stream().mapToDouble(r -> r[1]).min().orElseThrow();
        var st = last.stats();
        System.out.println();
        System.out.printf("| rows | plain DuckDB on Parquet (s) | same enforcing SQL on Parquet (s) | Veil sandboxed job (s) | job / plain | job / enforcing |%n|---|---|---|---|---|---|%n");
        System.out.printf("| %,d | %.3f | %.3f | %.3f | %.1f× | %.1f× |%n", rows, baseline, enforcing, best, best / baseline, best / enforcing);
        System.out.println();
        System.out.printf("Where the time goes (last run): analysis+plan %.3f s, worker start %d ms, decrypt+load %d ms, query %d ms, "
                + "enforce %d ms; released %d rows, suppressed %d%n", analysis, st.workerStartMillis(), st.decryptLoadMillis(),
                st.queryMillis(), st.enforceMillis(), last.table().rows().size(), last.rowsSuppressed());
    }
}
