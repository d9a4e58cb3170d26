package io.veil.bench.crypto;

import io.veil.crypto.he.AdditiveHe;
import io.veil.crypto.he.HeCiphertext;
import io.veil.crypto.he.HeKeyPair;
import io.veil.crypto.he.HePublicKey;
import io.veil.crypto.he.HeSecretKey;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.function.IntConsumer;

/**
 * Paillier operations per second at a given modulus size, single thread, next to the raw
 * BigInteger.modPow they are built from. Usage: bench/run.sh crypto.PaillierBench [bits] [ops]
 * (defaults 2048 and 400). Baselines: modPow with an n-bit modulus and exponent (an RSA private
 * operation without CRT), and modPow mod n^2 with exponent n (the r^n of public-key encryption).
 * Rates are per CPU-second of the measuring thread (robust on a shared machine) and per wall second.
 */
public final class PaillierBench {
    public static void main(String[] args) {
        int bits = args.length > 0 ? Integer.parseInt(args[0]) : 2048;
        int ops = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        SecureRandom rnd = new SecureRandom();
        long t0 = System.nanoTime();
        HeKeyPair keys = AdditiveHe.paillier().generateKeyPair(bits);
        double keygen = (System.nanoTime() - t0) / 1e9;
        HePublicKey pk = keys.publicKey();
        HeSecretKey sk = keys.secretKey();
        BigInteger n = new BigInteger(1, java.util.Arrays.copyOfRange(pk.encoded(), 7, pk.encoded().length));
        BigInteger n2 = n.multiply(n);

        long[] values = new long[ops];
        HeCiphertext[] cts = new HeCiphertext[ops];
        for (int i = 0; i < ops; i++) {
            values[i] = rnd.nextLong() >> 8;
            cts[i] = sk.encrypt(values[i]);
        }
        BigInteger[] bases = new BigInteger[ops];
        for (int i = 0; i < ops; i++) {
            bases[i] = new BigInteger(bits - 1, rnd);
        }
        HeCiphertext[] acc = {pk.encrypt(0)};
        long[] sink = {0};

        System.out.printf("Paillier %d-bit (key generation %.2f s), %d ops per row, 1 thread%n%n", bits, keygen, ops);
        System.out.println("| operation | ops per CPU-second | CPU ms/op | ops/s (wall) |");
        System.out.println("|---|---|---|---|");
        row("baseline: modPow, " + bits + "-bit modulus and exponent", ops, i -> sink[0] ^= bases[i].modPow(n.subtract(BigInteger.TWO), n).intValue());
        row("baseline: modPow mod n², exponent n (r^n)", ops, i -> sink[0] ^= bases[i].modPow(n, n2).intValue());
        row("encrypt (public key)", ops, i -> cts[i] = pk.encrypt(values[i]));
        row("encrypt (key owner, CRT)", ops, i -> cts[i] = sk.encrypt(values[i]));
        row("add two ciphertexts", ops, i -> acc[0] = pk.add(acc[0], cts[i]));
        row("multiply by plaintext scalar (64-bit)", ops, i -> acc[0] = pk.multiplyPlain(cts[i], BigInteger.valueOf(values[i])));
        row("rerandomise", ops, i -> acc[0] = pk.rerandomise(cts[i]));
        row("decrypt (CRT)", ops, i -> sink[0] ^= sk.decrypt(cts[i]).longValue());
        row("decode + validate ciphertext", ops, i -> acc[0] = pk.decodeCiphertext(cts[i].encoded()));
        // correctness guard so the numbers are for working code
        HeCiphertext sum = pk.encrypt(0);
        BigInteger expected = BigInteger.ZERO;
        for (int i = 0; i < ops; i++) {
            cts[i] = sk.encrypt(values[i]);
            sum = pk.add(sum, cts[i]);
            expected = expected.add(BigInteger.valueOf(values[i]));
        }
        if (!sk.decrypt(sum).equals(expected)) {
            throw new IllegalStateException("homomorphic sum is wrong");
        }
        if (sink[0] == 42) {
            System.out.println();
        }
    }

    private static void row(String name, int ops, IntConsumer op) {
        for (int i = 0; i < Math.min(ops, 50); i++) {
            op.accept(i); // warm-up
        }
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            op.accept(i);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        double cpu = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
        System.out.printf("| %s | %.0f | %.3f | %.0f |%n", name, ops / cpu, cpu * 1000 / ops, ops / s);
    }
}
