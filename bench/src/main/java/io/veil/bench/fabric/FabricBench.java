package io.veil.bench.fabric;

import io.veil.crypto.SigningKey;
import io.veil.crypto.Suite;
import io.veil.ledger.EventType;
import io.veil.ledger.Ledger;
import io.veil.ledger.LedgerEvent;
import io.veil.ledger.embedded.EmbeddedLedger;
import io.veil.ledger.fabric.FabricLedger;
import io.veil.ledger.fabric.FabricSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Committed events/s through the Fabric backend (endorsed by both zone peers, ordered by Raft,
 * validated and committed) against the embedded ledger in the same process as the baseline.
 * Single submitter (one transaction per event), concurrent submitters (the backend batches what
 * queues up while a transaction is in flight into the next one) and explicit appendAll batches.
 *
 * <p>Usage: {@code deploy/fabric/network.sh up}, then
 * {@code bench/run.sh fabric.FabricBench [events] [client env file]} (defaults 2000,
 * /tmp/veil-fabric/client-public.env). Every run writes to a new log on the channel.
 */
public final class FabricBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Path env = Path.of(args.length > 1 ? args[1] : "/tmp/veil-fabric/client-public.env");
        FabricSettings settings = FabricSettings.fromFile(env);
        SigningKey key = SigningKey.generate(Suite.INTL);
        System.out.printf("%d cores; Fabric via %s; %d events per concurrent run%n", Runtime.getRuntime().availableProcessors(), settings, n);

        Path dir = Files.createTempDirectory("veil-fabricbench");
        try {
            int[] k = {0};
            Supplier<Ledger> embedded = () -> EmbeddedLedger.open(dir.resolve("e" + k[0]++), "veil/bench", Suite.INTL, key);
            Supplier<Ledger> fabric = () -> FabricLedger.connect(settings, "veil/bench-" + UUID.randomUUID(), key);
            int single = Math.min(n, 200);
            for (String name : List.of("embedded", "fabric")) {
                Supplier<Ledger> open = name.equals("embedded") ? embedded : fabric;
                double[] lat = new double[single];
                double s = run(open, single, 1, 1, lat);
                Arrays.sort(lat);
                System.out.printf("%-8s 1 submitter, 1 event/tx:      %,8.0f events/s  (latency p50 %.1f ms, p99 %.1f ms; %d events)%n",
                        name, s, lat[single / 2] / 1e6, lat[(int) (single * 0.99)] / 1e6, single);
                for (int threads : new int[] {8, 32}) {
                    System.out.printf("%-8s %2d submitters (group commit): %,8.0f events/s%n", name, threads, run(open, n, threads, 1, null));
                }
                System.out.printf("%-8s appendAll batches of 100:     %,8.0f events/s%n", name, run(open, n, 1, 100, null));
                System.out.printf("%-8s 4 submitters × batches of 100: %,7.0f events/s%n", name, run(open, n, 4, 100, null));
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static LedgerEvent event(String id, int i) {
        return new LedgerEvent(id, EventType.JOB_EXECUTED, "zone-bench", Instant.ofEpochSecond(1_767_225_600L + i),
                Map.of("job", "job-" + i, "contract", "c-" + (i % 97), "consumerOrg", "org-" + (i % 13)),
                Map.of("queryDigest", "5f2b8c4e9a1d3f7b6c0e2a4d8f1b3c5e7a9d0f2b4c6e8a1d3f5b7c9e0a2d4f6b", "rowsScanned", 1_000_000L + i,
                        "epsilon", 0.1, "cpuMillis", 420L));
    }

    /** Committed events/s for {@code n} events from {@code threads} submitters in calls of {@code batch} events; checks the count. */
    static double run(Supplier<Ledger> open, int n, int threads, int batch, double[] latency) throws Exception {
        try (Ledger ledger = open.get()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                long t0 = System.nanoTime();
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        for (int from = thread * batch; from < n; from += threads * batch) {
                            List<LedgerEvent> events = new ArrayList<>(batch);
                            for (int i = from; i < Math.min(n, from + batch); i++) {
                                events.add(event("e-" + i, i));
                            }
                            long a = System.nanoTime();
                            ledger.appendAll(events);
                            if (latency != null) {
                                latency[from] = System.nanoTime() - a;
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
                double rate = n / ((System.nanoTime() - t0) / 1e9);
                if (ledger.size() != n) {
                    throw new IllegalStateException("expected " + n + " entries, ledger has " + ledger.size());
                }
                return rate;
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
