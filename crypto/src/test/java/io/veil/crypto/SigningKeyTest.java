package io.veil.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.ParametersWithID;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SigningKeyTest {
    private static final byte[] MESSAGE = "ledger checkpoint 42".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @EnumSource(Suite.class)
    void signatureVerifiesUnderItsOwnKey(Suite suite) {
        SigningKey key = SigningKey.generate(suite);
        assertThat(key.suite()).isEqualTo(suite);
        assertThat(key.verifyingKey().verify(MESSAGE, key.sign(MESSAGE))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void rejectsTamperedMessage(Suite suite) {
        SigningKey key = SigningKey.generate(suite);
        byte[] signature = key.sign(MESSAGE);
        byte[] tampered = MESSAGE.clone();
        tampered[0] ^= 1;
        assertThat(key.verifyingKey().verify(tampered, signature)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void rejectsSignatureFromOtherKey(Suite suite) {
        byte[] signature = SigningKey.generate(suite).sign(MESSAGE);
        assertThat(SigningKey.generate(suite).verifyingKey().verify(MESSAGE, signature)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void malformedSignaturesAreFalseNotExceptions(Suite suite) {
        SigningKey key = SigningKey.generate(suite);
        byte[] good = key.sign(MESSAGE);
        VerifyingKey vk = key.verifyingKey();
        assertThat(vk.verify(MESSAGE, new byte[0])).isFalse();
        assertThat(vk.verify(MESSAGE, null)).isFalse();
        assertThat(vk.verify(null, good)).isFalse();
        assertThat(vk.verify(MESSAGE, Arrays.copyOf(good, good.length - 1))).isFalse();
        assertThat(vk.verify(MESSAGE, Arrays.copyOf(good, good.length + 3))).isFalse();
        assertThat(vk.verify(MESSAGE, new byte[good.length])).isFalse();
        byte[] flipped = good.clone();
        flipped[flipped.length / 2] ^= 0x40;
        assertThat(vk.verify(MESSAGE, flipped)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void verifyingKeyRoundTripsThroughSpki(Suite suite) {
        VerifyingKey vk = SigningKey.generate(suite).verifyingKey();
        byte[] spki = vk.encoded();
        SubjectPublicKeyInfo.getInstance(spki); // well-formed DER SPKI
        VerifyingKey decoded = VerifyingKey.decode(suite, spki);
        assertThat(decoded.encoded()).isEqualTo(spki);
        assertThat(decoded.keyId()).isEqualTo(vk.keyId()).matches("[0-9a-f]{16}");
        assertThat(decoded.keyId()).isEqualTo(Hex.encode(Arrays.copyOf(suite.hash(spki), 8)));
        assertThat(decoded).isEqualTo(vk).hasSameHashCodeAs(vk);
        assertThat(decoded.suite()).isEqualTo(suite);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void decodedKeyVerifiesSignatures(Suite suite) {
        SigningKey key = SigningKey.generate(suite);
        VerifyingKey decoded = VerifyingKey.decode(suite, key.verifyingKey().encoded());
        assertThat(decoded.verify(MESSAGE, key.sign(MESSAGE))).isTrue();
    }

    @Test
    void rejectsPublicKeyOfTheOtherSuite() {
        byte[] ed25519 = SigningKey.generate(Suite.INTL).verifyingKey().encoded();
        byte[] sm2 = SigningKey.generate(Suite.GM).verifyingKey().encoded();
        assertThatThrownBy(() -> VerifyingKey.decode(Suite.GM, ed25519)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VerifyingKey.decode(Suite.INTL, sm2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsNistP256KeyPresentedAsGm() throws Exception {
        var g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        byte[] p256 = g.generateKeyPair().getPublic().getEncoded();
        assertThatThrownBy(() -> VerifyingKey.decode(Suite.GM, p256)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void rejectsGarbageSpki(Suite suite) {
        assertThatThrownBy(() -> VerifyingKey.decode(suite, new byte[] {0x30, 0x03, 1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VerifyingKey.decode(suite, new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sm2SignaturesUseTheStandardDefaultUserId() throws Exception {
        SigningKey key = SigningKey.generate(Suite.GM);
        byte[] signature = key.sign(MESSAGE);
        SM2Signer verifier = new SM2Signer();
        verifier.init(false, new ParametersWithID(PublicKeyFactory.createKey(key.verifyingKey().encoded()),
                "1234567812345678".getBytes(StandardCharsets.US_ASCII)));
        verifier.update(MESSAGE, 0, MESSAGE.length);
        assertThat(verifier.verifySignature(signature)).isTrue();
    }

    @Test
    void intlSigningKeyIsEd25519() {
        JcaSigningKey key = JcaSigningKey.generate(Suite.INTL);
        assertThat(key.privateKey().getAlgorithm()).isIn("Ed25519", "EdDSA");
        assertThat(key.sign(MESSAGE)).hasSize(64);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void toStringNeverShowsPrivateKey(Suite suite) {
        JcaSigningKey key = JcaSigningKey.generate(suite);
        byte[] scalar = key.privateKey() instanceof java.security.interfaces.ECPrivateKey ec
                ? org.bouncycastle.util.BigIntegers.asUnsignedByteArray(32, ec.getS())
                : ((java.security.interfaces.EdECPrivateKey) key.privateKey()).getBytes().orElseThrow();
        assertThat(scalar).hasSize(32);
        String s = key.toString() + key.verifyingKey().toString();
        assertThat(s).contains(suite.name()).contains(key.verifyingKey().keyId());
        assertThat(s.toLowerCase()).doesNotContain(Hex.encode(scalar).substring(0, 12));
        assertThat(s).doesNotContain(Base64.getEncoder().encodeToString(scalar).substring(0, 8));
    }
}
