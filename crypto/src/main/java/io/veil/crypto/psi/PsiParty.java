package io.veil.crypto.psi;

import io.veil.crypto.Suite;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

/**
 * One side of ECDH-PSI: a secret random exponent a in a prime-order group. {@link #blind} maps a
 * join key to H(key)^a, {@link #reblind} raises a peer's blinded point to a (so H(x)^b becomes
 * H(x)^ab = H(x)^ba). Outputs keep the input order; shuffle with {@link #shuffle} before sending.
 * The exponent never leaves the object and lives only as long as the session.
 */
public final class PsiParty {
    private static final SecureRandom SHUFFLE_RANDOM = new SecureRandom();

    private final PsiGroup group;
    private final BigInteger secret;

    private PsiParty(PsiGroup group, BigInteger secret) {
        this.group = group;
        this.secret = secret;
    }

    /** A party with a fresh secret exponent. */
    public static PsiParty create(Suite suite) {
        PsiGroup g = PsiGroup.of(java.util.Objects.requireNonNull(suite, "suite"));
        return new PsiParty(g, g.randomScalar());
    }

    public Suite suite() {
        return group.suite;
    }

    /** Length of every encoded point (SEC1 compressed). */
    public static int pointLength() {
        return PsiGroup.POINT_LENGTH;
    }

    /** H(key)^a, encoded. */
    public byte[] blind(byte[] key) {
        PsiInputs.checkKey(key);
        return group.encode(group.hashToCurve(key).multiply(secret));
    }

    /** P^a for a peer's encoded point P; anything but a valid group element is a {@link PsiProtocolException}. */
    public byte[] reblind(byte[] point) {
        if (point == null || point.length != PsiGroup.POINT_LENGTH) {
            throw new PsiProtocolException("point must be " + PsiGroup.POINT_LENGTH + " bytes");
        }
        return reblindAt(point, 0);
    }

    byte[] reblindAt(byte[] buf, int off) {
        return group.encode(group.decode(buf, off).multiply(secret));
    }

    /** {@link #blind} for each key, in parallel, same order. */
    public List<byte[]> blindAll(List<byte[]> keys) {
        return parallelMap(keys.size(), i -> blind(keys.get(i)));
    }

    /** {@link #reblind} for each point, in parallel, same order. */
    public List<byte[]> reblindAll(List<byte[]> points) {
        return parallelMap(points.size(), i -> reblind(points.get(i)));
    }

    /** Uniform (Fisher-Yates, SecureRandom) permutation in place. */
    public static <T> void shuffle(List<T> items) {
        Collections.shuffle(items, SHUFFLE_RANDOM);
    }

    static List<byte[]> parallelMap(int n, java.util.function.IntFunction<byte[]> f) {
        byte[][] out = new byte[n][];
        IntStream.range(0, n).parallel().forEach(i -> out[i] = f.apply(i));
        return new ArrayList<>(List.of(out));
    }

    PsiGroup group() {
        return group;
    }
}
