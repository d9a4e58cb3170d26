package io.veil.crypto.he;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Public key n (g = n + 1 implied). Encoding: ASCII "VPHE", version 0x01, u16 length, n as
 * minimal unsigned big-endian bytes. Plaintexts are signed, encoded mod n: [0, max] as is,
 * [-max, -1] as n - |m|; with max = floor((n - 1) / 3) the band between them catches overflow.
 */
final class PaillierPublicKey implements HePublicKey {
    private static final byte[] MAGIC = {'V', 'P', 'H', 'E'};
    private static final byte VERSION = 1;
    private static final int[] SMALL_PRIMES = smallPrimes(2000);

    final BigInteger n;
    final BigInteger nSquared;
    private final BigInteger max;
    private final int ciphertextLength;
    private final byte[] encoded;

    PaillierPublicKey(BigInteger n) {
        this.n = n;
        this.nSquared = n.multiply(n);
        this.max = n.subtract(BigInteger.ONE).divide(BigInteger.valueOf(3));
        this.ciphertextLength = (nSquared.bitLength() + 7) / 8;
        byte[] nb = unsigned(n);
        this.encoded = ByteBuffer.allocate(MAGIC.length + 1 + 2 + nb.length)
                .put(MAGIC).put(VERSION).putShort((short) nb.length).put(nb).array();
    }

    static PaillierPublicKey decode(byte[] encoded) {
        if (encoded == null || encoded.length < MAGIC.length + 3) {
            throw new IllegalArgumentException("not a Paillier public key: too short");
        }
        ByteBuffer in = ByteBuffer.wrap(encoded);
        byte[] magic = new byte[MAGIC.length];
        in.get(magic);
        if (!Arrays.equals(magic, MAGIC) || in.get() != VERSION) {
            throw new IllegalArgumentException("not a Paillier public key: unknown magic or version");
        }
        int len = Short.toUnsignedInt(in.getShort());
        if (len != in.remaining() || len == 0 || encoded[MAGIC.length + 3] == 0) {
            throw new IllegalArgumentException("not a Paillier public key: bad modulus length");
        }
        byte[] nb = new byte[len];
        in.get(nb);
        BigInteger n = new BigInteger(1, nb);
        if (n.bitLength() < Paillier.MIN_MODULUS_BITS || n.bitLength() > Paillier.MAX_MODULUS_BITS) {
            throw new IllegalArgumentException("Paillier modulus of " + n.bitLength() + " bits refused; need "
                    + Paillier.MIN_MODULUS_BITS + " to " + Paillier.MAX_MODULUS_BITS);
        }
        for (int p : SMALL_PRIMES) {
            if (n.mod(BigInteger.valueOf(p)).signum() == 0) {
                throw new IllegalArgumentException("Paillier modulus has a small factor");
            }
        }
        BigInteger root = n.sqrt();
        if (root.multiply(root).equals(n)) {
            throw new IllegalArgumentException("Paillier modulus is a square");
        }
        return new PaillierPublicKey(n);
    }

    @Override
    public String scheme() {
        return Paillier.SCHEME;
    }

    @Override
    public int modulusBits() {
        return n.bitLength();
    }

    @Override
    public BigInteger maxPlaintext() {
        return max;
    }

    @Override
    public HeCiphertext encrypt(BigInteger value) {
        return new PaillierCiphertext(this, gToThe(encodePlain(value)).multiply(randomToTheN()).mod(nSquared));
    }

    @Override
    public HeCiphertext add(HeCiphertext a, HeCiphertext b) {
        return new PaillierCiphertext(this, own(a).multiply(own(b)).mod(nSquared));
    }

    @Override
    public HeCiphertext addPlain(HeCiphertext a, BigInteger plain) {
        return new PaillierCiphertext(this, own(a).multiply(gToThe(encodePlain(plain))).mod(nSquared));
    }

    @Override
    public HeCiphertext multiplyPlain(HeCiphertext a, BigInteger scalar) {
        encodePlain(scalar); // range check
        // c^k for k >= 0; c^-|k| = (c^-1)^|k| for k < 0, rather than a 2048-bit exponent n - |k|
        BigInteger base = scalar.signum() < 0 ? own(a).modInverse(nSquared) : own(a);
        return new PaillierCiphertext(this, base.modPow(scalar.abs(), nSquared));
    }

    @Override
    public HeCiphertext rerandomise(HeCiphertext a) {
        return new PaillierCiphertext(this, own(a).multiply(randomToTheN()).mod(nSquared));
    }

    @Override
    public HeCiphertext decodeCiphertext(byte[] encoded) {
        if (encoded == null || encoded.length != ciphertextLength) {
            throw new IllegalArgumentException("Paillier ciphertext must be " + ciphertextLength + " bytes");
        }
        BigInteger c = new BigInteger(1, encoded);
        if (c.signum() == 0 || c.compareTo(nSquared) >= 0) {
            throw new IllegalArgumentException("Paillier ciphertext out of range (0, n^2)");
        }
        if (!c.gcd(n).equals(BigInteger.ONE)) {
            throw new IllegalArgumentException("Paillier ciphertext not invertible mod n");
        }
        return new PaillierCiphertext(this, c);
    }

    @Override
    public int ciphertextLength() {
        return ciphertextLength;
    }

    @Override
    public byte[] encoded() {
        return encoded.clone();
    }

    @Override
    public String keyId() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encoded), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Signed plaintext to Z_n; refuses values outside [-max, max] (never logs the value). */
    BigInteger encodePlain(BigInteger value) {
        if (value == null) {
            throw new IllegalArgumentException("plaintext is null");
        }
        if (value.abs().compareTo(max) > 0) {
            throw new HeOverflowException("plaintext outside the key's range [-max, max]");
        }
        return value.signum() < 0 ? value.add(n) : value;
    }

    /** Z_n back to signed; the band (max, n - max) only arises from overflow. */
    BigInteger decodePlain(BigInteger m) {
        if (m.compareTo(max) <= 0) {
            return m;
        }
        if (m.compareTo(n.subtract(max)) >= 0) {
            return m.subtract(n);
        }
        throw new HeOverflowException("homomorphic result overflowed the plaintext range");
    }

    /** (n+1)^m mod n^2 = 1 + m*n (binomial theorem), no exponentiation needed. */
    BigInteger gToThe(BigInteger m) {
        return BigInteger.ONE.add(m.multiply(n)).mod(nSquared);
    }

    /** Uniform r in Z*_n. */
    BigInteger randomUnit() {
        while (true) {
            BigInteger r = new BigInteger(n.bitLength(), Paillier.RANDOM);
            if (r.signum() > 0 && r.compareTo(n) < 0 && r.gcd(n).equals(BigInteger.ONE)) {
                return r;
            }
        }
    }

    private BigInteger randomToTheN() {
        return randomUnit().modPow(n, nSquared);
    }

    PaillierCiphertext ownCiphertext(HeCiphertext c) {
        if (!(c instanceof PaillierCiphertext pc) || !pc.key.equals(this)) {
            throw new IllegalArgumentException("ciphertext belongs to a different key");
        }
        return pc;
    }

    private BigInteger own(HeCiphertext c) {
        return ownCiphertext(c).value;
    }

    byte[] fixedLength(BigInteger v) {
        byte[] raw = unsigned(v);
        byte[] out = new byte[ciphertextLength];
        System.arraycopy(raw, 0, out, ciphertextLength - raw.length, raw.length);
        return out;
    }

    private static byte[] unsigned(BigInteger v) {
        byte[] b = v.toByteArray();
        return b[0] == 0 && b.length > 1 ? Arrays.copyOfRange(b, 1, b.length) : b;
    }

    private static int[] smallPrimes(int below) {
        return java.util.stream.IntStream.range(2, below).filter(i -> BigInteger.valueOf(i).isProbablePrime(30)).toArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PaillierPublicKey k && k.n.equals(n);
    }

    @Override
    public int hashCode() {
        return n.hashCode();
    }

    @Override
    public String toString() {
        return "PaillierPublicKey[" + modulusBits() + " bits, id=" + keyId() + "]";
    }
}
