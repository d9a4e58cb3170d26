package io.veil.crypto.he;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class PaillierPropertiesTest {
    /** One 2048-bit key for every try (jqwik creates a class instance per try). */
    private static final HeKeyPair KEYS = AdditiveHe.paillier().generateKeyPair(2048);

    @Property(tries = 25)
    void decryptionOfHomomorphicCombinationEqualsPlainArithmetic(@ForAll long a, @ForAll long b,
            @ForAll @IntRange(min = -1000, max = 1000) int k) {
        HePublicKey pk = KEYS.publicKey();
        HeCiphertext ca = pk.encrypt(a);
        HeCiphertext cb = KEYS.secretKey().encrypt(b);
        // a*k + b + k, computed entirely on ciphertexts
        HeCiphertext combined = pk.addPlain(pk.add(pk.multiplyPlain(ca, BigInteger.valueOf(k)), cb), BigInteger.valueOf(k));
        BigInteger expected = BigInteger.valueOf(a).multiply(BigInteger.valueOf(k)).add(BigInteger.valueOf(b)).add(BigInteger.valueOf(k));
        assertThat(KEYS.secretKey().decrypt(pk.rerandomise(combined))).isEqualTo(expected);
    }
}
