package io.veil.ledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.crypto.Suite;
import io.veil.crypto.SigningKey;
import io.veil.ledger.ZonePublicKey;
import io.veil.ledger.embedded.EmbeddedLedger;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The veil-audit command: exit codes and the per-check failure list. */
class VeilAuditMainTest {
    @TempDir
    Path tmp;
    SigningKey key = SigningKey.generate(Suite.GM);
    Path bundle;
    Path pem;
    Path previous;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void export() throws IOException {
        bundle = tmp.resolve("bundle.zip");
        pem = tmp.resolve("zone.pem");
        previous = tmp.resolve("previous.note");
        try (EmbeddedLedger l = EmbeddedLedger.open(tmp.resolve("ledger"), "veil/gm-zone", Suite.GM, key)) {
            for (int i = 0; i < 4; i++) {
                l.append(AuditBundleTest.event(i, "gm-zone"));
            }
            Files.writeString(previous, l.checkpoint().note());
            for (int i = 4; i < 9; i++) {
                l.append(AuditBundleTest.event(i, "gm-zone"));
            }
            try (OutputStream o = Files.newOutputStream(bundle)) {
                AuditBundle.write(o, l, List.of(0L, 3L, 8L), List.of(new ZonePublicKey("gm-zone", key.verifyingKey())), 4);
            }
        }
        Files.writeString(pem, KeyFiles.toPem(key.verifyingKey()));
    }

    private int run(String... args) {
        return VeilAuditMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void validGmBundleExitsZero() {
        assertThat(run("verify", bundle.toString(), "--trusted-key", pem.toString(), "--previous", previous.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("PASS consistency").contains("OK: all");
    }

    @Test
    void untrustedKeyExitsOneAndListsTheFailures() throws IOException {
        Path stranger = tmp.resolve("stranger.pem");
        Files.writeString(stranger, KeyFiles.toPem(SigningKey.generate(Suite.GM).verifyingKey()));
        assertThat(run("verify", bundle.toString(), "--trusted-key", stranger.toString())).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("FAILED:").contains("  checkpoint signature: ").contains("  keys.json: ");
    }

    @Test
    void truncatedBundleExitsOne() throws IOException {
        byte[] b = Files.readAllBytes(bundle);
        Files.write(bundle, java.util.Arrays.copyOf(b, b.length / 2));
        assertThat(run("verify", bundle.toString(), "--trusted-key", pem.toString())).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("FAIL ");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run()).isEqualTo(2);
        assertThat(run("check", bundle.toString())).isEqualTo(2);
        assertThat(run("verify", bundle.toString(), "--trusted-key")).isEqualTo(2);
        assertThat(run("verify", tmp.resolve("missing.zip").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: veil-audit verify");
    }
}
