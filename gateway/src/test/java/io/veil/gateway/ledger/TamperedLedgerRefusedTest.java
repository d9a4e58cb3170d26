package io.veil.gateway.ledger;

import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.config.VeilProperties;
import io.veil.gateway.keys.ZoneKeys;
import io.veil.ledger.EventType;
import io.veil.ledger.Ledger;
import io.veil.ledger.LedgerEvent;
import io.veil.ledger.LedgerTamperedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Fail closed: a zone whose stored ledger was modified does not start on it (the ledger bean refuses to open). */
class TamperedLedgerRefusedTest {
    @TempDir
    Path dataDir;

    @Test
    void aModifiedStoredEntryStopsTheLedgerFromOpening() throws Exception {
        VeilProperties props = new Binder(new MapConfigurationPropertySource(Map.of("veil.data-dir", dataDir.toString())))
                .bindOrCreate("veil", VeilProperties.class);
        ZoneKeyStore keys = ZoneKeyStore.openOrCreate(ZoneKeys.keystorePath(dataDir), "pw".toCharArray(), props.zone().suite());
        LedgerConfig config = new LedgerConfig();
        try (Ledger ledger = config.ledger(props, keys)) {
            for (int i = 0; i < 5; i++) {
                ledger.append(new LedgerEvent("e" + i, EventType.DATASET_REGISTERED, props.zone().id(), Instant.now(),
                        Map.of("dataset", "d" + i), Map.of("rows", i)));
            }
        }
        Path log;
        try (Stream<Path> files = Files.list(dataDir.resolve("ledger"))) {
            log = files.filter(p -> !p.getFileName().toString().startsWith("checkpoint") && !p.getFileName().toString().endsWith(".lock"))
                    .max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length())).orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(log);
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("\"d3\"");
        assertThat(at).as("entry d3 is stored in " + log.getFileName()).isPositive();
        bytes[at + 2] = '9'; // d3 -> d9: a plausible edit, not random noise
        Files.write(log, bytes);

        assertThatThrownBy(() -> config.ledger(props, keys)).isInstanceOf(LedgerTamperedException.class);

        // The offline verify command reports it too, naming what is wrong.
        var out = new java.io.ByteArrayOutputStream();
        int exit = VerifyLedgerCommand.run(dataDir, "pw", new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(1);
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("TAMPERED").contains("MODIFIED");
    }

    @Test
    void theVerifyCommandPassesAnIntactLedger() {
        VeilProperties props = new Binder(new MapConfigurationPropertySource(Map.of("veil.data-dir", dataDir.toString())))
                .bindOrCreate("veil", VeilProperties.class);
        ZoneKeyStore keys = ZoneKeyStore.openOrCreate(ZoneKeys.keystorePath(dataDir), "pw".toCharArray(), props.zone().suite());
        try (Ledger ledger = new LedgerConfig().ledger(props, keys)) {
            ledger.append(new LedgerEvent("e1", EventType.KEY_ROTATED, props.zone().id(), Instant.now(), Map.of("key", "v2"), Map.of()));
        }
        var out = new java.io.ByteArrayOutputStream();
        assertThat(VerifyLedgerCommand.run(dataDir, "pw", new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8))).isZero();
        assertThat(VerifyLedgerCommand.run(dataDir, "wrong-password", new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(2);
    }
}
