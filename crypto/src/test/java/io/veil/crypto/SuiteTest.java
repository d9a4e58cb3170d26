package io.veil.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SuiteTest {
    private static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);

    @Test
    void intlHashIsSha256() {
        assertThat(Hex.encode(Suite.INTL.hash(ABC)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void gmHashIsSm3() {
        // GB/T 32905-2016 Appendix A example 1.
        assertThat(Hex.encode(Suite.GM.hash(ABC)))
                .isEqualTo("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void incrementalDigestMatchesOneShotHash(Suite suite) {
        MessageDigest d = suite.newDigest();
        d.update("a".getBytes(StandardCharsets.US_ASCII));
        d.update("bc".getBytes(StandardCharsets.US_ASCII));
        assertThat(d.digest()).isEqualTo(suite.hash(ABC)).hasSize(32);
    }

    @Test
    void intlHashComesFromTheJdkEvenWhenBouncyCastleIsRegistered() {
        Providers.bc();
        assertThat(Suite.INTL.newDigest().getProvider().getName()).isEqualTo("SUN");
    }
}
