package io.veil.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class CommitmentsTest {
    private static final byte[] SECRET = new byte[32];
    private static final byte[] RESULT = "{\"columns\":[\"n\"],\"rows\":[[42]],\"types\":[\"BIGINT\"]}".getBytes(StandardCharsets.UTF_8);

    static {
        for (int i = 0; i < 32; i++) SECRET[i] = (byte) i;
    }

    @TempDir
    Path dir;

    /**
     * Vectors computed independently with Python's hmac over OpenSSL's SHA-256 and SM3:
     * key = HMAC(secret, "veil/commitment-key/v1" ‖ u16 len ‖ suite ‖ u16 len ‖ purpose ‖ u16 len ‖ subject ‖ 0x01),
     * commitment = HMAC(key, content), secret = 00 01 … 1f.
     */
    @ParameterizedTest
    @CsvSource({
            "INTL, 010e7db715c0c98aed5310a96f8b48c0a21892ea24bcb53e56ffad99e19fc166, af14a840adc3a2cfe2b60ab5be693310200a7846003f78a4d2ebd7d6d40c6d3d",
            "GM, b49b17dfacf6e23d58e9da9b8f22cf7d24abf8a465b1e03002931de05c1087d2, c67947ad2d711d7437c2e1e12a4800cfc44ea54ccb027abe97256a37738f36ec",
    })
    void matchesIndependentlyComputedVectors(Suite suite, String openingKey, String commitment) {
        Commitments c = new Commitments(suite, SECRET);
        assertThat(c.openingKey("job-result", "job-1")).isEqualTo(openingKey);
        assertThat(c.commit("job-result", "job-1", RESULT)).isEqualTo(commitment);
        assertThat(Commitments.verify(suite, openingKey, RESULT, commitment)).isTrue();
    }

    /** RFC 4868 §2.7.2.1 (key 0x0b × 32, "Hi There"); HMAC-SM3 of the same from OpenSSL. */
    @ParameterizedTest
    @CsvSource({
            "INTL, 198a607eb44bfbc69903a0f1cf2bbdc5ba0aa3f3d9ae3c1c7a3b1696a0b68cf7",
            "GM, c0ba18c68b90c88bc07de794bfc7d2c8d19ec31ed8773bc2b390c9604e0be11e",
    })
    void verifyIsPlainHmacUnderTheOpeningKey(Suite suite, String mac) {
        String key = "0b".repeat(32);
        assertThat(Commitments.verify(suite, key, "Hi There".getBytes(StandardCharsets.US_ASCII), mac)).isTrue();
        assertThat(Hex.encode(Commitments.mac(suite, Hex.decode(key), "Hi There".getBytes(StandardCharsets.US_ASCII)))).isEqualTo(mac);
    }

    /** The RFC 2104 construction spelled out over the suite hash (SM3 for GM), and HKDF-Expand as Bouncy Castle computes it. */
    @ParameterizedTest
    @EnumSource(Suite.class)
    void crossChecksAgainstRfc2104AndBouncyCastleHkdf(Suite suite) {
        Commitments c = new Commitments(suite, SECRET);
        byte[] key = Hex.decode(c.openingKey("dataset-content", "d-1/1"));
        byte[] info = info(suite, "dataset-content", "d-1/1");
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(suite == Suite.INTL ? new SHA256Digest() : new SM3Digest());
        hkdf.init(HKDFParameters.skipExtractParameters(SECRET, info));
        byte[] expected = new byte[32];
        hkdf.generateBytes(expected, 0, 32);
        assertThat(key).isEqualTo(expected);
        assertThat(Hex.encode(rfc2104(suite, key, RESULT))).isEqualTo(c.commit("dataset-content", "d-1/1", RESULT));
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void wrongKeyWrongContentAndMalformedValuesAreRefused(Suite suite) {
        Commitments c = new Commitments(suite, SECRET);
        String commitment = c.commit("job-result", "job-1", RESULT);
        String key = c.openingKey("job-result", "job-1");
        assertThat(Commitments.verify(suite, c.openingKey("job-result", "job-2"), RESULT, commitment)).isFalse();
        assertThat(Commitments.verify(suite, c.openingKey("job-query", "job-1"), RESULT, commitment)).isFalse();
        assertThat(Commitments.verify(suite, key, "{}".getBytes(StandardCharsets.UTF_8), commitment)).isFalse();
        Suite other = suite == Suite.INTL ? Suite.GM : Suite.INTL;
        assertThat(Commitments.verify(other, key, RESULT, commitment)).isFalse();
        Commitments otherZone = new Commitments(suite, new byte[32]);
        assertThat(Commitments.verify(suite, otherZone.openingKey("job-result", "job-1"), RESULT, commitment)).isFalse();
        assertThat(Commitments.verify(suite, key.toUpperCase(), RESULT, commitment)).isFalse();
        assertThat(Commitments.verify(suite, key.substring(2), RESULT, commitment)).isFalse();
        assertThat(Commitments.verify(suite, key, RESULT, commitment + "00")).isFalse();
        assertThat(Commitments.verify(suite, null, RESULT, commitment)).isFalse();
        // The plain hash of the content is not the commitment.
        assertThat(commitment).isNotEqualTo(Hex.encode(suite.hash(RESULT)));
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void distinctSubjectsGiveUnrelatedCommitmentsForIdenticalContent(Suite suite) {
        Commitments c = new Commitments(suite, SECRET);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertThat(seen.add(c.commit("job-result", "job-" + i, RESULT))).isTrue();
        }
        // Length-prefixed fields: moving bytes between purpose and subject gives another key.
        assertThat(c.openingKey("job-result", "a-b")).isNotEqualTo(c.openingKey("job-result-a", "b"));
        assertThat(c.commit("job-result", "x", RESULT)).isNotEqualTo(c.commit("job-query", "x", RESULT));
        // Bit-level independence: about half the bits differ between two subjects' commitments.
        int differing = 0;
        for (int i = 0; i < 200; i++) {
            differing += Long.bitCount(first64(c.commit("job-result", "s" + i, RESULT)) ^ first64(c.commit("job-result", "t" + i, RESULT)));
        }
        assertThat(differing / 200.0).isBetween(28.0, 36.0);
    }

    @Test
    void purposeAndSubjectAreChecked() {
        Commitments c = new Commitments(Suite.INTL, SECRET);
        assertThatThrownBy(() -> c.commit("Job Result", "x", RESULT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.commit("job-result", "", RESULT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.commit("job-result", "x".repeat(513), RESULT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.commit("job-result", "x", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Commitments(Suite.INTL, new byte[16])).isInstanceOf(IllegalArgumentException.class);
        assertThat(c.toString()).doesNotContain(Hex.encode(SECRET));
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void zoneSecretIsCreatedOnFirstUsePersistedAndStable(Suite suite) {
        Path file = dir.resolve(suite + "/keys.p12");
        char[] password = "pw".toCharArray();
        ZoneKeyStore before = ZoneKeyStore.openOrCreate(file, password, suite); // a keystore as made before commitments existed
        ZoneKeyStore.WrappedKey wrapped = before.wrap(DataKey.generate(suite));
        ZoneKeyStore upgraded = ZoneKeyStore.openOrCreate(file, password, suite);
        String commitment = upgraded.commitments().commit("job-result", "job-1", RESULT);
        assertThat(upgraded.commitments().suite()).isEqualTo(suite);
        ZoneKeyStore reopened = ZoneKeyStore.openOrCreate(file, password, suite);
        assertThat(reopened.commitments().commit("job-result", "job-1", RESULT)).isEqualTo(commitment);
        assertThat(reopened.commitments().openingKey("job-result", "job-1")).isEqualTo(upgraded.commitments().openingKey("job-result", "job-1"));
        assertThat(reopened.unwrap(wrapped)).isNotNull(); // the other keys are untouched
        reopened.rotate();
        assertThat(ZoneKeyStore.openOrCreate(file, password, suite).commitments().commit("job-result", "job-1", RESULT))
                .as("rotating the zone key leaves the commitment secret alone").isEqualTo(commitment);
        Suite other = suite == Suite.INTL ? Suite.GM : Suite.INTL;
        assertThatThrownBy(() -> ZoneKeyStore.openOrCreate(file, password, other)).isInstanceOf(IllegalStateException.class);
        // Two zones never share a secret.
        ZoneKeyStore another = ZoneKeyStore.openOrCreate(dir.resolve(suite + "/other.p12"), password, suite);
        assertThat(another.commitments().commit("job-result", "job-1", RESULT)).isNotEqualTo(commitment);
    }

    private static byte[] info(Suite suite, String purpose, String subject) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes("veil/commitment-key/v1".getBytes(StandardCharsets.US_ASCII));
        for (String f : new String[] {suite.name(), purpose, subject}) {
            byte[] bytes = f.getBytes(StandardCharsets.UTF_8);
            b.write(bytes.length >> 8);
            b.write(bytes.length);
            b.writeBytes(bytes);
        }
        return b.toByteArray();
    }

    private static byte[] rfc2104(Suite suite, byte[] key, byte[] message) {
        byte[] ipad = new byte[64 + message.length];
        byte[] opad = new byte[64 + 32];
        for (int i = 0; i < 64; i++) {
            byte k = i < key.length ? key[i] : 0;
            ipad[i] = (byte) (k ^ 0x36);
            opad[i] = (byte) (k ^ 0x5c);
        }
        System.arraycopy(message, 0, ipad, 64, message.length);
        System.arraycopy(suite.hash(ipad), 0, opad, 64, 32);
        return suite.hash(opad);
    }

    private static long first64(String hex) {
        return Long.parseUnsignedLong(hex.substring(0, 16), 16);
    }
}
