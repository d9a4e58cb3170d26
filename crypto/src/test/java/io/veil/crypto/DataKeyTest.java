package io.veil.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DataKeyTest {
    private static final byte[] AAD = "contract c-1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] MESSAGE = "a small message".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @EnumSource(Suite.class)
    void sealOpensWithSameKeyAndAad(Suite suite) {
        DataKey key = DataKey.generate(suite);
        byte[] sealed = key.seal(MESSAGE, AAD);
        assertThat(sealed).hasSize(12 + MESSAGE.length + 16);
        assertThat(key.open(sealed, AAD)).isEqualTo(MESSAGE);
        assertThat(key.open(key.seal(new byte[0], AAD), AAD)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void sealUsesFreshNonces(Suite suite) {
        DataKey key = DataKey.generate(suite);
        assertThat(key.seal(MESSAGE, AAD)).isNotEqualTo(key.seal(MESSAGE, AAD));
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void openRejectsTamperingWrongAadWrongKeyAndShortInput(Suite suite) {
        DataKey key = DataKey.generate(suite);
        byte[] sealed = key.seal(MESSAGE, AAD);
        for (int i = 0; i < sealed.length; i += 7) {
            byte[] t = sealed.clone();
            t[i] ^= 0x10;
            assertThatThrownBy(() -> key.open(t, AAD)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> key.open(sealed, "contract c-2".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DataKey.generate(suite).open(sealed, AAD)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> key.open(new byte[27], AAD)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keyLengthsAre32BytesForAesAnd16ForSm4() {
        assertThat(DataKey.generate(Suite.INTL).exportForWorker()).hasSize(32);
        assertThat(DataKey.generate(Suite.GM).exportForWorker()).hasSize(16);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void importedKeyDecryptsWhatTheGatewayEncrypted(Suite suite) throws IOException {
        DataKey gateway = DataKey.generate(suite);
        DataKey worker = DataKey.importFromGateway(suite, gateway.exportForWorker());
        assertThat(worker.suite()).isEqualTo(suite);
        assertThat(worker.open(gateway.seal(MESSAGE, AAD), AAD)).isEqualTo(MESSAGE);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = gateway.encryptingStream(sink, AAD)) {
            out.write(MESSAGE);
        }
        assertThat(worker.decryptingStream(new ByteArrayInputStream(sink.toByteArray()), AAD).readAllBytes()).isEqualTo(MESSAGE);
    }

    @Test
    void importRejectsWrongKeyLength() {
        assertThatThrownBy(() -> DataKey.importFromGateway(Suite.INTL, new byte[16])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DataKey.importFromGateway(Suite.GM, new byte[32])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DataKey.importFromGateway(Suite.GM, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void exportReturnsACopy(Suite suite) {
        DataKey key = DataKey.generate(suite);
        byte[] exported = key.exportForWorker();
        exported[0] ^= 1;
        assertThat(key.exportForWorker()).isNotEqualTo(exported);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void streamOfOneSuiteIsRejectedByTheOther(Suite suite) throws IOException {
        DataKey key = DataKey.generate(suite);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = key.encryptingStream(sink, AAD)) {
            out.write(MESSAGE);
        }
        Suite other = suite == Suite.INTL ? Suite.GM : Suite.INTL;
        DataKey otherKey = DataKey.generate(other);
        assertThatThrownBy(() -> otherKey.decryptingStream(new ByteArrayInputStream(sink.toByteArray()), AAD).readAllBytes())
                .isInstanceOf(IOException.class);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void toStringNeverShowsKeyBytes(Suite suite) {
        DataKey key = DataKey.generate(suite);
        byte[] raw = key.exportForWorker();
        String s = key.toString();
        assertThat(s).contains(suite.name());
        assertThat(s.toLowerCase()).doesNotContain(Hex.encode(raw).substring(0, 8));
        assertThat(s).doesNotContain(Base64.getEncoder().encodeToString(raw).substring(0, 6));
        assertThat(s).doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(raw).substring(0, 6));
    }
}
