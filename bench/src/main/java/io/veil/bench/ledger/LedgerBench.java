package io.veil.bench.ledger;

import io.veil.crypto.Suite;
import io.veil.crypto.SigningKey;
import io.veil.ledger.ConsistencyProof;
import io.veil.ledger.EventType;
import io.veil.ledger.InclusionProof;
import io.veil.ledger.LedgerEntry;
import io.veil.ledger.LedgerEvent;
import io.veil.ledger.MerkleProofs;
import io.veil.ledger.SignedEntries;
import io.veil.ledger.embedded.EmbeddedLedger;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Embedded ledger durability and proof costs, in one run, against a baseline in the same process:
 * raw FileChannel.write + force per record of the same size (the floor for "durable before it
 * returns" without batching). Usage: bench/run.sh ledger.LedgerBench [appends] [proofTreeSize] [suite]
 * (defaults 2000, 1000000, INTL). Writes under java.io.tmpdir and deletes it afterwards.
 */
public final class LedgerBench {
    public static void main(String[] args) throws Exception {
        int appends = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int treeSize = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        Suite suite = args.length > 2 ? Suite.valueOf(args[2]) : Suite.INTL;
        SigningKey key = SigningKey.generate(suite);
        Path root = Files.createTempDirectory("veil-ledgerbench");
        System.out.printf("suite %s, %d cores, tmp %s%n", suite, Runtime.getRuntime().availableProcessors(), root);
        try {
            int recordSize = SignedEntries.encode(event("sizing-0", 0), key).length + 17;
            double baseline = rawForcePerRecord(root.resolve("raw.dat"), appends, recordSize);
            System.out.printf("baseline  raw write+force per %d-byte record, 1 thread: %,.0f records/s%n", recordSize, baseline);
            double[] latency = new double[appends];
            double single = ledgerAppends(root.resolve("l1"), key, suite, appends, 1, latency);
            Arrays.sort(latency);
            System.out.printf("ledger    append, 1 thread:  %,.0f appends/s (%.2f× baseline); latency p50 %.2f ms, p99 %.2f ms%n",
                    single, single / baseline, latency[appends / 2] / 1e6, latency[(int) (appends * 0.99)] / 1e6);
            for (int threads : new int[] {8, 32}) {
                double multi = ledgerAppends(root.resolve("l" + threads), key, suite, appends * 4, threads, null);
                System.out.printf("ledger    append, %d threads (group commit): %,.0f appends/s (%.2f× baseline)%n",
                        threads, multi, multi / baseline);
            }
            long v0 = System.nanoTime();
            int findings = EmbeddedLedger.verify(root.resolve("l8"), List.of(key.verifyingKey())).size();
            double verify = (System.nanoTime() - v0) / 1e9;
            System.out.printf("verify    offline EmbeddedLedger.verify of %,d entries (every signature, parallel): %.1f s = %,.0f entries/s, %d findings%n",
                    appends * 4, verify, appends * 4 / verify, findings);
            proofs(root.resolve("big"), key, suite, treeSize);
        } finally {
            try (Stream<Path> files = Files.walk(root)) {
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

    /** The baseline: one write and one force(false) per record, single thread. */
    static double rawForcePerRecord(Path file, int n, int recordSize) throws IOException {
        byte[] record = new byte[recordSize];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                record[0] = (byte) i;
                ByteBuffer b = ByteBuffer.wrap(record);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(false);
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** Durable appends/s with {@code threads} appenders sharing one ledger; per-append latency if asked (single thread). */
    static double ledgerAppends(Path dir, SigningKey key, Suite suite, int n, int threads, double[] latency) throws Exception {
        try (EmbeddedLedger ledger = EmbeddedLedger.open(dir, "veil/bench", suite, key)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                long t0 = System.nanoTime();
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        for (int i = thread; i < n; i += threads) {
                            long a = System.nanoTime();
                            ledger.append(event("e-" + i, i));
                            if (latency != null) {
                                latency[i] = System.nanoTime() - a;
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

    /** Fills a ledger of {@code size} entries in batches, then times proofs, verification and reopening. */
    static void proofs(Path dir, SigningKey key, Suite suite, int size) throws Exception {
        int batch = 1000;
        long t0 = System.nanoTime();
        try (EmbeddedLedger ledger = EmbeddedLedger.open(dir, "veil/bench", suite, key)) {
            ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
            try {
                List<Future<?>> pending = new ArrayList<>();
                for (int from = 0; from < size; from += batch) {
                    int start = from;
                    pending.add(pool.submit(() -> {
                        List<LedgerEvent> events = new ArrayList<>(batch);
                        for (int i = start; i < Math.min(size, start + batch); i++) {
                            events.add(event("p-" + i, i));
                        }
                        return ledger.appendAll(events);
                    }));
                    if (pending.size() >= 16) {
                        pending.remove(0).get();
                    }
                }
                for (Future<?> f : pending) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            double fill = (System.nanoTime() - t0) / 1e9;
            System.out.printf("ledger    appendAll in batches of %d: %,d entries in %.1f s = %,.0f entries/s (incl. signing)%n",
                    batch, size, fill, size / fill);
            long n = ledger.size();
            byte[] rootHash = ledger.checkpoint().rootHash();
            SplittableRandom rnd = new SplittableRandom(7);
            int samples = 20_000;
            List<InclusionProof> proofs = new ArrayList<>(samples);
            List<byte[]> leaves = new ArrayList<>(samples);
            long[] seqs = new long[samples];
            for (int i = 0; i < samples; i++) {
                seqs[i] = rnd.nextLong(n);
                leaves.add(ledger.read(seqs[i]).map(LedgerEntry::leafHash).orElseThrow());
            }
            long g0 = System.nanoTime();
            for (int i = 0; i < samples; i++) {
                proofs.add(ledger.inclusionProof(seqs[i], n).orElseThrow());
            }
            double gen = (System.nanoTime() - g0) / 1e3 / samples;
            long v0 = System.nanoTime();
            int ok = 0;
            for (int i = 0; i < samples; i++) {
                ok += MerkleProofs.verifyInclusion(suite, proofs.get(i), leaves.get(i), rootHash) ? 1 : 0;
            }
            double ver = (System.nanoTime() - v0) / 1e3 / samples;
            if (ok != samples) {
                throw new IllegalStateException(samples - ok + " inclusion proofs did not verify");
            }
            System.out.printf("proofs    at tree size %,d: inclusion proof %d hashes, generate %.1f µs, verify %.1f µs (mean of %,d)%n",
                    n, proofs.get(0).path().size(), gen, ver, samples);
            List<ConsistencyProof> cons = new ArrayList<>();
            long c0 = System.nanoTime();
            for (int i = 0; i < 2000; i++) {
                cons.add(ledger.consistencyProof(1 + rnd.nextLong(n - 1), n).orElseThrow());
            }
            double cgen = (System.nanoTime() - c0) / 1e3 / 2000;
            long c1 = System.nanoTime();
            for (ConsistencyProof c : cons) {
                if (!MerkleProofs.verifyConsistency(suite, c, ledger.root(c.fromSize()), rootHash)) {
                    throw new IllegalStateException("consistency proof did not verify");
                }
            }
            double cver = (System.nanoTime() - c1) / 1e3 / 2000;
            System.out.printf("proofs    consistency: generate %.1f µs, verify %.1f µs incl. old root (mean of 2,000)%n", cgen, cver);
        }
        long o0 = System.nanoTime();
        try (EmbeddedLedger reopened = EmbeddedLedger.open(dir, "veil/bench", suite, key)) {
            double open = (System.nanoTime() - o0) / 1e9;
            System.out.printf("open      scan of %,d entries (CRCs, decode + index, every committed root, checkpoint; covered entries' "
                            + "signatures not rechecked): %.1f s = %,.0f entries/s; log %,d bytes%n",
                    reopened.size(), open, reopened.size() / open, Files.size(dir.resolve("log.dat")));
        }
    }
}
