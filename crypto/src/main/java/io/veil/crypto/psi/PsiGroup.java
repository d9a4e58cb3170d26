package io.veil.crypto.psi;

import io.veil.crypto.Suite;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECFieldElement;
import org.bouncycastle.math.ec.ECPoint;

/**
 * The prime-order group of a suite: INTL = NIST P-256 (secp256r1) with SHA-256, GM = SM2 curve
 * (sm2p256v1) with SM3. Both have cofactor 1, so every valid non-infinity point generates the whole
 * group and blinding exponents commute: (H(x)^a)^b = (H(x)^b)^a.
 *
 * <p>Hash to curve is try-and-increment: for ctr = 0, 1, ...: x = Hash(DST ‖ 0x00 ‖ ctr ‖ key); if
 * x &lt; p and x^3 + ax + b is a square mod p, take that point, with the y of parity given by the low
 * bit of Hash(DST ‖ 0x01 ‖ ctr ‖ key). About two tries on average; the try count depends on the key,
 * so the time taken leaks a little about a party's own keys to a co-located observer (never to the
 * peer, who sees only blinded points). It is not RFC 9380's constant-time map, but it is a random
 * oracle into the group, which is what the DH-based PSI proof needs.
 */
final class PsiGroup {
    static final int POINT_LENGTH = 33;
    private static final SecureRandom RANDOM = new SecureRandom();

    final Suite suite;
    final ECCurve curve;
    final BigInteger order;
    private final BigInteger p;
    private final byte[] dst;

    private PsiGroup(Suite suite, String curveName) {
        X9ECParameters params = CustomNamedCurves.getByName(curveName);
        this.suite = suite;
        this.curve = params.getCurve();
        this.order = params.getN();
        this.p = curve.getField().getCharacteristic();
        this.dst = ("veil/psi/v1/hash-to-curve/" + curveName).getBytes(StandardCharsets.US_ASCII);
        if (!params.getH().equals(BigInteger.ONE)) {
            throw new IllegalStateException("PSI needs a prime-order curve");
        }
    }

    private static final PsiGroup INTL = new PsiGroup(Suite.INTL, "secp256r1");
    private static final PsiGroup GM = new PsiGroup(Suite.GM, "sm2p256v1");

    static PsiGroup of(Suite suite) {
        return switch (suite) {
            case INTL -> INTL;
            case GM -> GM;
        };
    }

    /** Uniform secret exponent in [1, order - 1]. */
    BigInteger randomScalar() {
        while (true) {
            BigInteger k = new BigInteger(order.bitLength(), RANDOM);
            if (k.signum() > 0 && k.compareTo(order) < 0) {
                return k;
            }
        }
    }

    ECPoint hashToCurve(byte[] key) {
        Digest d = digest();
        byte[] h = new byte[d.getDigestSize()];
        for (int ctr = 0; ; ctr++) {
            hash(d, (byte) 0, ctr, key, h);
            BigInteger x = new BigInteger(1, h);
            if (x.compareTo(p) >= 0) {
                continue;
            }
            ECFieldElement fx = curve.fromBigInteger(x);
            ECFieldElement y = fx.square().add(curve.getA()).multiply(fx).add(curve.getB()).sqrt();
            if (y == null) {
                continue;
            }
            hash(d, (byte) 1, ctr, key, h);
            boolean wantOdd = (h[h.length - 1] & 1) == 1;
            if (y.testBitZero() != wantOdd) {
                y = y.negate();
            }
            return curve.createPoint(fx.toBigInteger(), y.toBigInteger());
        }
    }

    /** 33-byte SEC1 compressed encoding of a normalised point. */
    byte[] encode(ECPoint point) {
        return point.normalize().getEncoded(true);
    }

    /** Parses a compressed point at {@code off}; not-on-curve, infinity or bad prefix is a protocol error. */
    ECPoint decode(byte[] buf, int off) {
        byte prefix = buf[off];
        if (prefix != 0x02 && prefix != 0x03) {
            throw new PsiProtocolException("not a compressed curve point");
        }
        byte[] enc = new byte[POINT_LENGTH];
        System.arraycopy(buf, off, enc, 0, POINT_LENGTH);
        try {
            ECPoint pt = curve.decodePoint(enc);
            if (pt.isInfinity() || !pt.isValid()) {
                throw new PsiProtocolException("point not in the group");
            }
            return pt;
        } catch (IllegalArgumentException e) {
            if (e instanceof PsiProtocolException pe) {
                throw pe;
            }
            throw new PsiProtocolException("point not on the curve");
        }
    }

    private Digest digest() {
        return suite == Suite.INTL ? new SHA256Digest() : new SM3Digest();
    }

    private void hash(Digest d, byte domain, int ctr, byte[] key, byte[] out) {
        d.update(dst, 0, dst.length);
        d.update(domain);
        d.update((byte) (ctr >>> 24));
        d.update((byte) (ctr >>> 16));
        d.update((byte) (ctr >>> 8));
        d.update((byte) ctr);
        d.update(key, 0, key.length);
        d.doFinal(out, 0);
    }
}
