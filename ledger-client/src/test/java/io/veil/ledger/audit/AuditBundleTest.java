package io.veil.ledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.crypto.Suite;
import io.veil.crypto.SigningKey;
import io.veil.crypto.VerifyingKey;
import io.veil.ledger.EventType;
import io.veil.ledger.LedgerEvent;
import io.veil.ledger.SignedCheckpoint;
import io.veil.ledger.ZonePublicKey;
import io.veil.ledger.embedded.EmbeddedLedger;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bundle from a real ledger verifies offline; each kind of tampering fails the check that names it. */
class AuditBundleTest {
    static final String ORIGIN = "veil/zone-a";
    @TempDir
    Path tmp;
    SigningKey key = SigningKey.generate(Suite.INTL);
    Path bundle;
    String previousNote;

    static LedgerEvent event(int i, String zone) {
        return new LedgerEvent("ev-" + i, EventType.RESULT_RELEASED, zone, Instant.parse("2026-03-01T00:00:00Z").plusSeconds(i),
                Map.of("job", "job-" + i, "dataset", "ds-7"), Map.of("resultDigest", "abc" + i, "epsilon", 0.25));
    }

    private static void fill(EmbeddedLedger l, int from, int to, String zone) {
        for (int i = from; i < to; i++) {
            l.append(event(i, zone));
        }
    }

    @BeforeEach
    void export() throws IOException {
        bundle = tmp.resolve("bundle.zip");
        try (EmbeddedLedger l = EmbeddedLedger.open(tmp.resolve("ledger"), ORIGIN, Suite.INTL, key)) {
            fill(l, 0, 8, "zone-a");
            previousNote = l.checkpoint().note();
            fill(l, 8, 21, "zone-a");
            try (OutputStream out = Files.newOutputStream(bundle)) {
                AuditBundle.write(out, l, List.of(1L, 5L, 12L, 20L), List.of(new ZonePublicKey("zone-a", key.verifyingKey())), 8);
            }
        }
    }

    private AuditReport verify() {
        return BundleVerifier.verify(bundle, List.of(key.verifyingKey()), Optional.of(previousNote));
    }

    private Map<String, byte[]> parts() throws IOException {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(bundle))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                parts.put(e.getName(), in.readAllBytes());
            }
        }
        return parts;
    }

    private void rewrite(Map<String, byte[]> parts) throws IOException {
        Files.write(bundle, AuditBundle.zip(parts));
    }

    private List<String> lines(Map<String, byte[]> parts) {
        return new ArrayList<>(List.of(new String(parts.get(AuditBundle.EVENTS), StandardCharsets.UTF_8).split("\n")));
    }

    private void setLines(Map<String, byte[]> parts, List<String> lines) {
        parts.put(AuditBundle.EVENTS, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void assertFails(AuditReport report, String check, String detail) {
        assertThat(report.passed()).isFalse();
        assertThat(report.failures()).as("failures").anySatisfy(c -> {
            assertThat(c.name()).isEqualTo(check);
            assertThat(c.detail()).contains(detail);
        });
    }

    @Test
    void validBundleVerifiesEveryCheck() {
        AuditReport report = verify();
        assertThat(report.failures()).isEmpty();
        assertThat(report.passed()).isTrue();
        assertThat(report.checks()).extracting(AuditReport.Check::name).contains("checkpoint signature", "event seq 1 signature",
                "event seq 20 inclusion", "manifest.json", "previous checkpoint signature", "consistency", "bundle container");
    }

    @Test
    void withoutTrustedKeysTheBundleKeysAreUsedAndTheReportSaysSo() {
        AuditReport report = BundleVerifier.verify(bundle, List.of(), Optional.empty());
        assertThat(report.passed()).isTrue();
        assertThat(report.checks()).anySatisfy(c -> assertThat(c.detail()).contains("not independently trusted"));
    }

    @Test
    void editedEventFailsItsSignature() throws IOException {
        Map<String, byte[]> parts = parts();
        List<String> lines = lines(parts);
        String line = lines.get(1);
        String b64 = line.replaceAll(".*\"entry\":\"([^\"]+)\".*", "$1");
        String entry = new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
        String edited = entry.replace("\"epsilon\":0.25", "\"epsilon\":0.5");
        assertThat(edited).isNotEqualTo(entry);
        lines.set(1, line.replace(b64, Base64.getEncoder().encodeToString(edited.getBytes(StandardCharsets.UTF_8))));
        setLines(parts, lines);
        rewrite(parts);
        AuditReport report = verify();
        assertFails(report, "event seq 5 signature", "does not verify");
        assertFails(report, "event seq 5 inclusion", "does not lead from this entry to the checkpoint root");
    }

    @Test
    void editedInclusionProofFails() throws IOException {
        Map<String, byte[]> parts = parts();
        List<String> lines = lines(parts);
        String line = lines.get(2);
        String firstHash = line.replaceAll(".*\"proof\":\\[\"([^\"]+)\".*", "$1");
        byte[] h = Base64.getDecoder().decode(firstHash);
        h[3] ^= 1;
        lines.set(2, line.replace(firstHash, Base64.getEncoder().encodeToString(h)));
        setLines(parts, lines);
        rewrite(parts);
        assertFails(verify(), "event seq 12 inclusion", "does not lead");
    }

    @Test
    void removedEventIsNoticed() throws IOException {
        Map<String, byte[]> parts = parts();
        List<String> lines = lines(parts);
        lines.remove(2);
        setLines(parts, lines);
        rewrite(parts);
        assertFails(verify(), "event seq 12", "listed in manifest.json but missing from events.jsonl");
    }

    @Test
    void checkpointSignedByAnotherKeyFails() throws IOException {
        Map<String, byte[]> parts = parts();
        SignedCheckpoint real = SignedCheckpoint.parse(new String(parts.get(AuditBundle.CHECKPOINT), StandardCharsets.UTF_8));
        SigningKey attacker = SigningKey.generate(Suite.INTL);
        parts.put(AuditBundle.CHECKPOINT, SignedCheckpoint.sign(ORIGIN, real.treeSize(), real.rootHash(), attacker).note()
                .getBytes(StandardCharsets.UTF_8));
        parts.put(AuditBundle.KEYS, KeyFiles.toJson(List.of(new ZonePublicKey("zone-a", attacker.verifyingKey()))));
        rewrite(parts);
        AuditReport report = verify();
        assertFails(report, "checkpoint signature", "is not signed by any zone key " + key.verifyingKey().keyId());
        assertFails(report, "keys.json", "bundle key " + attacker.verifyingKey().keyId() + " (zone zone-a) is not among the trusted keys");
    }

    @Test
    void wrongTrustedKeyFailsTheCheckpointAndTheKeys() {
        VerifyingKey other = SigningKey.generate(Suite.INTL).verifyingKey();
        AuditReport report = BundleVerifier.verify(bundle, List.of(other), Optional.empty());
        assertFails(report, "keys.json", "is not among the trusted keys");
        assertFails(report, "checkpoint signature", "is not signed by any zone key " + other.keyId());
    }

    @Test
    void previousCheckpointOfAForkedHistoryFailsConsistency() {
        String forkNote;
        try (EmbeddedLedger fork = EmbeddedLedger.open(tmp.resolve("fork"), ORIGIN, Suite.INTL, key)) {
            fill(fork, 100, 108, "zone-a");
            forkNote = fork.checkpoint().note();
        }
        AuditReport report = BundleVerifier.verify(bundle, List.of(key.verifyingKey()), Optional.of(forkNote));
        assertFails(report, "consistency", "is not an extension of the previous checkpoint (size 8)");
    }

    @Test
    void editedConsistencyProofFails() throws IOException {
        Map<String, byte[]> parts = parts();
        String json = new String(parts.get(AuditBundle.CONSISTENCY), StandardCharsets.UTF_8);
        String firstHash = json.replaceAll(".*\"proof\":\\[\"([^\"]+)\".*", "$1");
        byte[] h = Base64.getDecoder().decode(firstHash);
        h[0] ^= 1;
        parts.put(AuditBundle.CONSISTENCY, json.replace(firstHash, Base64.getEncoder().encodeToString(h)).getBytes(StandardCharsets.UTF_8));
        rewrite(parts);
        assertFails(verify(), "consistency", "consistency proof does not verify");
    }

    @Test
    void eventClaimingAnotherZoneThanItsKeyFails() throws IOException {
        Path other = tmp.resolve("other.zip");
        try (EmbeddedLedger l = EmbeddedLedger.open(tmp.resolve("ledger-b"), ORIGIN, Suite.INTL, key); OutputStream out = Files.newOutputStream(other)) {
            fill(l, 0, 3, "zone-b");
            AuditBundle.write(out, l, List.of(0L, 2L), List.of(new ZonePublicKey("zone-a", key.verifyingKey())));
        }
        assertFails(BundleVerifier.verify(other, List.of(key.verifyingKey()), Optional.empty()), "event seq 0 zone",
                "event names zone zone-b but is signed by the key keys.json gives to zone zone-a");
    }

    @Test
    void everySingleByteChangeAnywhereInTheBundleIsRejected() throws IOException {
        byte[] original = Files.readAllBytes(bundle);
        byte[] copy = original.clone();
        for (int i = 0; i < original.length; i++) {
            copy[i] ^= 0x01;
            Files.write(bundle, copy);
            AuditReport report = verify();
            assertThat(report.passed()).as("bundle with byte %d of %d flipped", i, original.length).isFalse();
            copy[i] = original[i];
        }
        Files.write(bundle, original);
        assertThat(verify().passed()).isTrue();
    }

    @Test
    void bundleRefusesSeqsBeyondTheCheckpoint() {
        try (EmbeddedLedger l = EmbeddedLedger.open(tmp.resolve("ledger"), ORIGIN, Suite.INTL, key)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> AuditBundle.write(new ByteArrayOutputStream(), l, List.of(21L), List.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seq 21");
        }
    }
}
