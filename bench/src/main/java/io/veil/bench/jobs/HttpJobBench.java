package io.veil.bench.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The job benchmark over HTTP, submit → released, against a running zone (e.g. {@code VEIL_ZONES=public
 * bash deploy/local/run.sh}): the demo provider registers the generated residents as Parquet, publishes
 * an AUTO-approved offer, the demo consumer gets a contract, then submits the same aggregate job
 * several times, each {@code pause} seconds apart (so the zone's warm worker has been replaced), waiting
 * for RELEASED with one long-polling status request ({@code ?waitSeconds=30}). Each run is paired with plain DuckDB running the same query on
 * the same Parquet file in this process right before it. Before the measured runs the zone serves
 * {@code warmup} jobs back to back (a gateway is a long-lived process: in a freshly started one the JIT
 * compiler threads are still busy for dozens of jobs — measured ~200 ms of compiler CPU per job over the
 * first ten — and compete with the worker for the cores). Usage:
 * bench/run.sh jobs.HttpJobBench [baseUrl=http://localhost:8080] [rows=10000000] [runs=7] [pause=8] [warmup=30]
 */
public final class HttpJobBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://localhost:8080";
        long rows = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        int pause = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 30;
        Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "veil-httpjobbench-" + rows));
        Path parquet = dir.resolve("residents.parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (" + JobBench.generator(rows) + ") TO '" + parquet + "' (FORMAT parquet)");
        }
        String provider = token(base, "demo-provider");
        String consumer = token(base, "demo-consumer");
        String admin = token(base, "demo-admin");
        String name = "bench_residents_" + UUID.randomUUID().toString().substring(0, 8);
        long t0 = System.nanoTime();
        JsonNode ds = upload(base, provider, name, parquet);
        System.out.printf("registered %s: %,d rows from %,d bytes of Parquet in %.1f s%n", name, ds.get("rowCount").asLong(),
                Files.size(parquet), (System.nanoTime() - t0) / 1e9);
        String from = Instant.now().minus(1, ChronoUnit.MINUTES).toString();
        String until = Instant.now().plus(1, ChronoUnit.DAYS).toString();
        String offer = call(base, "POST", "/api/v1/offers", provider, """
                {"datasetIds": ["%s"], "purposes": ["bench"], "assignees": {"orgs": ["demo-consumer-org"], "zoneTiers": ["PUBLIC", "SOCIAL"]},
                 "validFrom": "%s", "validUntil": "%s", "maxJobs": 1000, "jobTypes": ["SQL"],
                 "rules": {"minEntities": 10, "aggregates": {"income": ["SUM", "AVG", "COUNT"], "*": ["COUNT"]},
                           "dimensions": ["district", "age_band"], "joinKeys": ["person_id"], "maxOutputRows": 100},
                 "approval": "AUTO", "price": {"model": "FREE", "currency": "CNY"}}""".formatted(ds.get("id").asText(), from, until))
                .get("id").asText();
        String contract = call(base, "POST", "/api/v1/contracts", consumer, "{\"offerId\": \"" + offer + "\", \"purpose\": \"bench\"}")
                .get("id").asText();
        call(base, "POST", "/api/v1/contracts/" + contract + "/accept", provider, null);
        String job = JSON.writeValueAsString(Map.of("contractIds", List.of(contract),
                "sql", JobBench.SQL.replace("FROM residents", "FROM " + name)));

        List<Double> released = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<String> each = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET threads=2");
            String plainSql = JobBench.SQL.replace("FROM residents", "FROM read_parquet('" + parquet + "')");
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 4; i++) {
                double t = JobBench.timed(s, plainSql);
                if (i > 0) best = Math.min(best, t);
            }
            for (int i = 0; i < warmup; i++) {
                String id = call(base, "POST", "/api/v1/jobs", consumer, job).get("id").asText();
                call(base, "GET", "/api/v1/jobs/" + id + "?waitSeconds=30", consumer, null);
            }
            System.out.printf("%d warm-up jobs done%n", warmup);
            Map<String, double[]> before = null;
            for (int i = 0; i <= runs; i++) {
                if (i == 1) before = timings(base, admin);
                Thread.sleep(pause * 1000L);
                double plain = JobBench.timed(s, plainSql);
                long start = System.nanoTime();
                String id = call(base, "POST", "/api/v1/jobs", consumer, job).get("id").asText();
                // One status request that answers when the job has finished (?waitSeconds, no polling loop).
                String status = call(base, "GET", "/api/v1/jobs/" + id + "?waitSeconds=30", consumer, null).get("status").asText();
                double took = (System.nanoTime() - start) / 1e9;
                JsonNode result = call(base, "GET", "/api/v1/jobs/" + id + "/result", consumer, null);
                double withResult = (System.nanoTime() - start) / 1e9;
                if (!status.equals("RELEASED")) throw new IllegalStateException("job ended " + status);
                if (i == 0) continue; // the zone's first job warms its own JIT (as the baseline's first run is dropped)
                released.add(took);
                ratios.add(took / plain);
                each.add(String.format("%.3f (with result %.3f, %d rows) vs %.3f", took, withResult, result.get("rows").size(), plain));
            }
            List<Double> r = new ArrayList<>(released);
            Collections.sort(r);
            List<Double> q = new ArrayList<>(ratios);
            Collections.sort(q);
            System.out.println();
            System.out.println("| rows | plain DuckDB on Parquet (s) | job over HTTP, submit → released: best / median (s) "
                    + "| paired job / plain: best / median |\n|---|---|---|---|");
            System.out.printf("| %,d | %.3f | %.3f / %.3f | %.2f× / %.2f× |%n", rows, best, r.get(0), r.get(r.size() / 2), q.get(0),
                    q.get(q.size() / 2));
            System.out.println("each run (submit → released s, vs the plain query right before it): " + String.join(", ", each));
            System.out.println(whereTheTimeGoes(before, timings(base, admin), released));
        }
    }

    static final List<String> TIMERS = List.of("veil.job.latency?tag=path:auto", "veil.job.worker?tag=phase:wall",
            "veil.job.worker?tag=phase:start", "veil.job.worker?tag=phase:decrypt_load", "veil.job.worker?tag=phase:query",
            "veil.job.worker?tag=phase:enforce");

    /** The zone's job timers (JobTimings) as the zone admin reads them: COUNT and TOTAL_TIME (s) of each. */
    private static Map<String, double[]> timings(String base, String admin) throws Exception {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String t : TIMERS) {
            double[] v = new double[2];
            for (JsonNode m : call(base, "GET", "/actuator/metrics/" + t, admin, null).get("measurements")) {
                if (m.get("statistic").asText().equals("COUNT")) v[0] = m.get("value").asDouble();
                if (m.get("statistic").asText().equals("TOTAL_TIME")) v[1] = m.get("value").asDouble();
            }
            out.put(t, v);
        }
        return out;
    }

    /** Mean milliseconds per phase over the measured runs, from the zone's timers and this client's clock. */
    private static String whereTheTimeGoes(Map<String, double[]> before, Map<String, double[]> after, List<Double> released) {
        double[] ms = new double[TIMERS.size()];
        for (int i = 0; i < TIMERS.size(); i++) {
            double[] b = before.get(TIMERS.get(i));
            double[] a = after.get(TIMERS.get(i));
            if (a[0] - b[0] != released.size()) throw new IllegalStateException("another job ran meanwhile: " + TIMERS.get(i));
            ms[i] = (a[1] - b[1]) * 1000 / (a[0] - b[0]);
        }
        double client = released.stream().mapToDouble(Double::doubleValue).average().orElseThrow() * 1000;
        double workerOwn = ms[2] + ms[3] + ms[4] + ms[5];
        return String.format("where the time goes (means of the measured runs, ms): submit → released %.0f = HTTP and client %.0f"
                        + " + gateway (analysis, policy, plan, budget, transitions, sealing) %.0f + sandbox run %.0f [hand-over and answer %.0f,"
                        + " worker start %.0f, decrypt+load %.0f, query %.0f, enforce %.0f]",
                client, client - ms[0], ms[0] - ms[1], ms[1], ms[1] - workerOwn, ms[2], ms[3], ms[4], ms[5]);
    }

    private static String token(String base, String client) throws Exception {
        String basic = Base64.getEncoder().encodeToString((client + ":" + client + "-secret").getBytes(StandardCharsets.UTF_8));
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/oauth2/token")).header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build();
        return JSON.readTree(send(req)).get("access_token").asText();
    }

    private static JsonNode call(String base, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token);
        if (body != null) b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        String out = send(b.build());
        return out.isEmpty() ? JSON.createObjectNode() : JSON.readTree(out);
    }

    /** Multipart registration, streamed: the metadata part, then the Parquet file. */
    private static JsonNode upload(String base, String token, String name, Path parquet) throws Exception {
        String boundary = "veil-bench-" + UUID.randomUUID();
        String metadata = """
                {"name": "%s", "description": "JobBench residents", "tags": ["bench"], "license": "CC-BY",
                 "columns": {"person_id": "ENTITY_ID", "district": "DIMENSION", "age_band": "DIMENSION", "income": "METRIC"}}""".formatted(name);
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n"
                + metadata + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"residents.parquet\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/datasets")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        InputStream file = Files.newInputStream(parquet);
                        return new SequenceInputStream(new SequenceInputStream(new ByteArrayInputStream(head), file), new ByteArrayInputStream(tail));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })).build();
        return JSON.readTree(send(req));
    }

    private static String send(HttpRequest req) throws Exception {
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 400) throw new IllegalStateException(req.method() + " " + req.uri().getPath() + " → " + r.statusCode() + ": " + r.body());
        return r.body();
    }
}
