package io.veil.bench.crypto;

import io.veil.crypto.Suite;
import io.veil.crypto.he.AdditiveHe;
import io.veil.crypto.he.HeKeyPair;
import io.veil.crypto.psi.PsiEntry;
import io.veil.crypto.psi.PsiResult;
import java.math.BigInteger;
import io.veil.crypto.psi.PsiInitiator;
import io.veil.crypto.psi.PsiParty;
import io.veil.crypto.psi.PsiResponder;
import io.veil.crypto.psi.PsiSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ECDH-PSI throughput vs plain SHA-256 over the same keys, in one run. Usage:
 * bench/run.sh crypto.PsiBench [keys] [sessionKeys] [sumKeys] [suites]
 * (defaults 100,000, 100,000, 2,000 and INTL,GM; 0 skips a part).
 * Part 1: one party blinds n keys (hash to curve + scalar multiplication) and double-blinds n peer
 * points (decompress + scalar multiplication), both on all cores, per suite.
 * Part 2: a full PSI-COUNT session (both roles in this process, all messages encoded) of m x m keys
 * with half overlapping; items/s = 2m / wall time. The machine may be shared, so rates per core are
 * also given per CPU-second of this process (which includes JIT and GC threads, so it is conservative).
 * Part 3: a PSI-SUM session of k x k keys (half overlapping) with 2048-bit Paillier, checked against
 * the plaintext sum.
 */
public final class PsiBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int m = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int sumKeys = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        List<Suite> suites = args.length > 3
                ? java.util.Arrays.stream(args[3].split(",")).map(Suite::valueOf).toList() : List.of(Suite.values());
        int cores = Runtime.getRuntime().availableProcessors();
        List<byte[]> keys = keys("a-", n);

        // Baseline: SHA-256 of the same keys, single thread, best of 5, per CPU-second of that thread.
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        double sha = Double.MAX_VALUE;
        byte sink = 0;
        for (int r = 0; r < 5; r++) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            long t0 = threads.getCurrentThreadCpuTime();
            for (byte[] k : keys) {
                sink ^= md.digest(k)[0];
            }
            sha = Math.min(sha, (threads.getCurrentThreadCpuTime() - t0) / 1e9);
        }
        System.out.printf("%d keys, %d cores; SHA-256 baseline %.0f keys per CPU-second (1 thread)%n", n, cores, n / sha);
        System.out.println();
        System.out.println("| suite | blind H(x)^a (keys/s) | double-blind (P)^b (keys/s) | blind + double-blind (keys/s, wall) | keys per CPU-second | SHA-256 / PSI ratio (per CPU-second) |");
        System.out.println("|---|---|---|---|---|---|");
        for (Suite suite : suites) {
            PsiParty a = PsiParty.create(suite);
            PsiParty b = PsiParty.create(suite);
            a.blindAll(keys.subList(0, Math.min(n, 5_000))); // warm-up (JIT)
            long c0 = cpuNanos();
            long t0 = System.nanoTime();
            List<byte[]> blinded = a.blindAll(keys);
            long t1 = System.nanoTime();
            List<byte[]> doubled = b.reblindAll(blinded);
            long t2 = System.nanoTime();
            double cpu = (cpuNanos() - c0) / 1e9;
            sink ^= doubled.get(0)[1];
            double blindRate = n / ((t1 - t0) / 1e9);
            double reblindRate = n / ((t2 - t1) / 1e9);
            double both = n / ((t2 - t0) / 1e9);
            System.out.printf("| %s | %.0f | %.0f | %.0f | %.0f | %.0f× |%n", suite, blindRate, reblindRate, both, n / cpu, (n / sha) / (n / cpu));
        }
        if (m > 0) {
            System.out.println();
            System.out.println("| suite | PSI-COUNT session | wall (s) | CPU (s) | items/s (both sets, wall) | items per CPU-second | bytes on the wire | intersection |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            List<byte[]> left = keys("p-", m);
            List<byte[]> right = new ArrayList<>(left.subList(0, m / 2));
            right.addAll(keys("q-", m - m / 2));
            for (Suite suite : suites) {
                AtomicLong bytes = new AtomicLong();
                long c0 = cpuNanos();
                long t0 = System.nanoTime();
                PsiInitiator i = PsiInitiator.create(suite, left);
                PsiResponder r = PsiResponder.forCount(suite, i.sessionId(), right);
                PsiSession.run(i, r, msg -> bytes.addAndGet(msg.length));
                double wall = (System.nanoTime() - t0) / 1e9;
                double cpu = (cpuNanos() - c0) / 1e9;
                if (i.intersectionSize() != m / 2) {
                    throw new IllegalStateException("wrong intersection size");
                }
                System.out.printf("| %s | %,d x %,d | %.1f | %.1f | %.0f | %.0f | %,d | %,d |%n", suite, m, m, wall, cpu, 2.0 * m / wall,
                        2.0 * m / cpu, bytes.get(), i.intersectionSize());
            }
        }
        if (sumKeys > 0) {
            System.out.println();
            System.out.println("| suite | PSI-SUM session (Paillier 2048) | wall (s) | CPU (s) | items/s (both sets, wall) | items per CPU-second | bytes on the wire | sum correct |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            HeKeyPair he = AdditiveHe.paillier().generateKeyPair(2048);
            List<byte[]> left = keys("s-", sumKeys);
            List<PsiEntry> right = new ArrayList<>();
            BigInteger expected = BigInteger.ZERO;
            for (int j = 0; j < sumKeys; j++) {
                boolean shared = j < sumKeys / 2;
                long v = j * 7L + 1;
                right.add(new PsiEntry(shared ? left.get(j) : ("t-" + j).getBytes(StandardCharsets.UTF_8), v));
                expected = shared ? expected.add(BigInteger.valueOf(v)) : expected;
            }
            for (Suite suite : suites) {
                AtomicLong bytes = new AtomicLong();
                long c0 = cpuNanos();
                long t0 = System.nanoTime();
                PsiInitiator i = PsiInitiator.create(suite, left);
                PsiResponder r = PsiResponder.forSum(suite, i.sessionId(), right, he);
                PsiResult res = PsiSession.run(i, r, msg -> bytes.addAndGet(msg.length));
                double wall = (System.nanoTime() - t0) / 1e9;
                double cpu = (cpuNanos() - c0) / 1e9;
                boolean ok = res.sum().orElseThrow().equals(expected) && res.intersectionSize() == sumKeys / 2;
                if (!ok) {
                    throw new IllegalStateException("wrong intersection sum");
                }
                System.out.printf("| %s | %,d x %,d | %.1f | %.1f | %.0f | %.0f | %,d | %s |%n", suite, sumKeys, sumKeys, wall, cpu,
                        2.0 * sumKeys / wall, 2.0 * sumKeys / cpu, bytes.get(), ok);
            }
        }
        if (sink == 42) {
            System.out.println();
        }
    }

    /** CPU time of the whole process: on a shared machine, per-core rates come from this, not wall time. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static List<byte[]> keys(String prefix, int n) {
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add((prefix + String.format("%012d", i)).getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }
}
