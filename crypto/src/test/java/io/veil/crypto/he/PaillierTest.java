package io.veil.crypto.he;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PaillierTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AdditiveHe HE = AdditiveHe.paillier();
    private static HeKeyPair keys;
    private static HePublicKey pk;
    private static HeSecretKey sk;

    @BeforeAll
    static void generateOnce() {
        keys = HE.generateKeyPair(2048);
        pk = keys.publicKey();
        sk = keys.secretKey();
    }

    @Test
    void generatedModulusHasRequestedSize() {
        assertThat(pk.modulusBits()).isEqualTo(2048);
        assertThat(pk.ciphertextLength()).isEqualTo(512);
        assertThat(pk.scheme()).isEqualTo("paillier");
    }

    @Test
    void homomorphicSumOfRandomValuesDecryptsToPlainSum() {
        for (int i = 0; i < 10; i++) {
            long a = RANDOM.nextLong();
            long b = RANDOM.nextLong();
            BigInteger sum = sk.decrypt(pk.add(pk.encrypt(a), pk.encrypt(b)));
            assertThat(sum).isEqualTo(BigInteger.valueOf(a).add(BigInteger.valueOf(b)));
        }
    }

    @Test
    void sumOfManyCiphertextsMatchesPlainSum() {
        HeCiphertext acc = pk.encrypt(0);
        BigInteger expected = BigInteger.ZERO;
        for (int i = 0; i < 150; i++) {
            long v = RANDOM.nextInt(2_000_001) - 1_000_000L;
            expected = expected.add(BigInteger.valueOf(v));
            HeCiphertext c = i % 2 == 0 ? pk.encrypt(v) : sk.encrypt(v);
            acc = pk.add(acc, c);
        }
        assertThat(sk.decrypt(acc)).isEqualTo(expected);
        assertThat(sk.decryptLong(acc)).isEqualTo(expected.longValueExact());
    }

    @Test
    void addPlainAndMultiplyPlainWorkWithNegativeValues() {
        long a = RANDOM.nextInt() | 1;
        long plain = -Math.abs((long) RANDOM.nextInt()) - 1;
        long scalar = -(RANDOM.nextInt(1000) + 2);
        HeCiphertext c = pk.encrypt(a);
        assertThat(sk.decryptLong(pk.addPlain(c, BigInteger.valueOf(plain)))).isEqualTo(a + plain);
        assertThat(sk.decryptLong(pk.multiplyPlain(c, BigInteger.valueOf(scalar)))).isEqualTo(a * scalar);
    }

    @Test
    void encryptionAndRerandomisationProduceFreshCiphertexts() {
        long v = RANDOM.nextLong();
        HeCiphertext c1 = pk.encrypt(v);
        HeCiphertext c2 = pk.encrypt(v);
        HeCiphertext c3 = pk.rerandomise(c1);
        HeCiphertext c4 = sk.encrypt(v);
        assertThat(c1.encoded()).isNotEqualTo(c2.encoded());
        assertThat(c3.encoded()).isNotEqualTo(c1.encoded());
        assertThat(c4.encoded()).isNotEqualTo(c1.encoded());
        for (HeCiphertext c : List.of(c1, c2, c3, c4)) {
            assertThat(sk.decryptLong(c)).isEqualTo(v);
        }
    }

    @Test
    void plaintextRangeIsExplicitAndEnforcedOnEncryption() {
        BigInteger max = pk.maxPlaintext();
        assertThat(max.bitLength()).isGreaterThan(2040);
        assertThat(sk.decrypt(pk.encrypt(max))).isEqualTo(max);
        assertThat(sk.decrypt(pk.encrypt(max.negate()))).isEqualTo(max.negate());
        assertThatThrownBy(() -> pk.encrypt(max.add(BigInteger.ONE))).isInstanceOf(HeOverflowException.class);
        assertThatThrownBy(() -> pk.encrypt(max.negate().subtract(BigInteger.ONE))).isInstanceOf(HeOverflowException.class);
        assertThatThrownBy(() -> sk.encrypt(max.add(BigInteger.ONE))).isInstanceOf(HeOverflowException.class);
        assertThatThrownBy(() -> pk.multiplyPlain(pk.encrypt(1), max.add(BigInteger.ONE))).isInstanceOf(HeOverflowException.class);
        assertThatThrownBy(() -> pk.encrypt(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void overflowingSumIsReportedNotWrapped() {
        BigInteger max = pk.maxPlaintext();
        HeCiphertext twiceMax = pk.add(pk.encrypt(max), pk.encrypt(max));
        assertThatThrownBy(() -> sk.decrypt(twiceMax)).isInstanceOf(HeOverflowException.class);
        HeCiphertext twiceMin = pk.add(pk.encrypt(max.negate()), pk.encrypt(max.negate()));
        assertThatThrownBy(() -> sk.decrypt(twiceMin)).isInstanceOf(HeOverflowException.class);
        HeCiphertext big = pk.encrypt(BigInteger.ONE.shiftLeft(100));
        assertThatThrownBy(() -> sk.decryptLong(big)).isInstanceOf(HeOverflowException.class);
    }

    @Test
    void malformedCiphertextsAreRejectedOnDecode() {
        int len = pk.ciphertextLength();
        BigInteger n = modulus(pk);
        assertThatThrownBy(() -> pk.decodeCiphertext(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pk.decodeCiphertext(new byte[len - 1])).hasMessageContaining("bytes");
        assertThatThrownBy(() -> pk.decodeCiphertext(new byte[len + 1])).hasMessageContaining("bytes");
        assertThatThrownBy(() -> pk.decodeCiphertext(new byte[len])).hasMessageContaining("range");
        byte[] allOnes = new byte[len];
        Arrays.fill(allOnes, (byte) 0xff);
        assertThatThrownBy(() -> pk.decodeCiphertext(allOnes)).hasMessageContaining("range");
        assertThatThrownBy(() -> pk.decodeCiphertext(fixed(n.multiply(n), len + 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pk.decodeCiphertext(fixed(n.multiply(n), len))).hasMessageContaining("range");
        assertThatThrownBy(() -> pk.decodeCiphertext(fixed(n, len))).hasMessageContaining("invertible");
        assertThatThrownBy(() -> pk.decodeCiphertext(fixed(n.multiply(BigInteger.valueOf(7)), len))).hasMessageContaining("invertible");
    }

    @Test
    void ciphertextRoundTripsThroughItsEncoding() {
        long v = RANDOM.nextLong();
        HeCiphertext c = pk.encrypt(v);
        HeCiphertext back = pk.decodeCiphertext(c.encoded());
        assertThat(back.encoded()).isEqualTo(c.encoded());
        assertThat(sk.decryptLong(back)).isEqualTo(v);
    }

    @Test
    void publicKeyRoundTripsAndInteroperates() {
        HePublicKey decoded = HE.decodePublicKey(pk.encoded());
        assertThat(decoded).isEqualTo(pk);
        assertThat(decoded.keyId()).isEqualTo(pk.keyId()).hasSize(16);
        assertThat(decoded.encoded()).isEqualTo(pk.encoded());
        long a = RANDOM.nextInt();
        long b = RANDOM.nextInt();
        HeCiphertext fromRemote = decoded.add(decoded.encrypt(a), decoded.decodeCiphertext(pk.encrypt(b).encoded()));
        HeCiphertext received = pk.decodeCiphertext(decoded.rerandomise(fromRemote).encoded());
        assertThat(sk.decryptLong(received)).isEqualTo(a + b);
    }

    @Test
    void malformedPublicKeysAreRejected() {
        byte[] good = pk.encoded();
        assertThatThrownBy(() -> HE.decodePublicKey(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HE.decodePublicKey(Arrays.copyOf(good, 6))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HE.decodePublicKey(Arrays.copyOf(good, good.length - 1))).hasMessageContaining("length");
        assertThatThrownBy(() -> HE.decodePublicKey(Arrays.copyOf(good, good.length + 1))).hasMessageContaining("length");
        byte[] badMagic = good.clone();
        badMagic[0] ^= 1;
        assertThatThrownBy(() -> HE.decodePublicKey(badMagic)).hasMessageContaining("magic");
        byte[] even = good.clone();
        even[even.length - 1] &= (byte) 0xfe;
        assertThatThrownBy(() -> HE.decodePublicKey(even)).hasMessageContaining("small factor");
        BigInteger n = modulus(pk);
        assertThatThrownBy(() -> HE.decodePublicKey(encodeModulus(n.sqrt().nextProbablePrime().pow(2))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysBelow2048BitsAreRefused() {
        assertThatThrownBy(() -> HE.generateKeyPair(1024)).hasMessageContaining("2048");
        assertThatThrownBy(() -> HE.generateKeyPair(2047)).hasMessageContaining("2048");
        BigInteger small = BigInteger.probablePrime(512, RANDOM).multiply(BigInteger.probablePrime(512, RANDOM));
        assertThatThrownBy(() -> HE.decodePublicKey(encodeModulus(small))).hasMessageContaining("bits refused");
    }

    @Test
    void ciphertextsOfAnotherKeyAreRefused() {
        HePublicKey other = HE.decodePublicKey(encodeModulus(
                BigInteger.probablePrime(1024, RANDOM).multiply(BigInteger.probablePrime(1025, RANDOM))));
        HeCiphertext foreign = other.encrypt(5);
        HeCiphertext mine = pk.encrypt(5);
        assertThatThrownBy(() -> pk.add(mine, foreign)).hasMessageContaining("different key");
        assertThatThrownBy(() -> sk.decrypt(foreign)).hasMessageContaining("different key");
        assertThatThrownBy(() -> pk.rerandomise(foreign)).hasMessageContaining("different key");
    }

    @Test
    void stringFormsCarryNoSecrets() {
        HeCiphertext c = pk.encrypt(123456789L);
        assertThat(c.toString()).doesNotContain("123456789").contains(pk.keyId());
        assertThat(sk.toString()).doesNotContain(modulus(pk).toString().substring(0, 20));
    }

    private static BigInteger modulus(HePublicKey key) {
        byte[] e = key.encoded();
        return new BigInteger(1, Arrays.copyOfRange(e, 7, e.length));
    }

    private static byte[] encodeModulus(BigInteger n) {
        byte[] nb = n.toByteArray();
        if (nb[0] == 0) {
            nb = Arrays.copyOfRange(nb, 1, nb.length);
        }
        return ByteBuffer.allocate(7 + nb.length).put(new byte[] {'V', 'P', 'H', 'E', 1}).putShort((short) nb.length).put(nb).array();
    }

    private static byte[] fixed(BigInteger v, int len) {
        byte[] raw = v.toByteArray();
        if (raw[0] == 0) {
            raw = Arrays.copyOfRange(raw, 1, raw.length);
        }
        byte[] out = new byte[len];
        System.arraycopy(raw, 0, out, len - raw.length, raw.length);
        return out;
    }

}
