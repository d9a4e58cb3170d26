package io.veil.ledger.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.crypto.Suite;
import io.veil.crypto.SigningKey;
import io.veil.ledger.SignedEntries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write torn by a crash — anything after the last COMMIT frame — is truncated on open and reported, not treated as tampering. */
class TornTailRecoveryTest {
    static final String ORIGIN = "veil/zone-a";
    @TempDir
    Path dir;
    SigningKey key = SigningKey.generate(Suite.INTL);
    long committedBytes;

    @BeforeEach
    void writeLedger() throws IOException {
        try (EmbeddedLedger l = EmbeddedLedger.open(dir, ORIGIN, Suite.INTL, key)) {
            for (int i = 0; i < 5; i++) {
                l.append(TamperDetectionTest.event(i));
            }
        }
        committedBytes = Files.size(LogFiles.log(dir));
    }

    private void appendRaw(byte[] bytes) throws IOException {
        Files.write(LogFiles.log(dir), bytes, StandardOpenOption.APPEND);
    }

    @Test
    void garbageAfterTheLastCommitIsTruncatedAndReported() throws IOException {
        byte[] garbage = new byte[777];
        Arrays.fill(garbage, (byte) 0x5a);
        appendRaw(garbage);
        assertThat(EmbeddedLedger.verify(dir, List.of(key.verifyingKey()))).isEmpty();
        try (EmbeddedLedger l = EmbeddedLedger.open(dir, ORIGIN, Suite.INTL, key)) {
            assertThat(l.recovery()).isEqualTo(new EmbeddedLedger.Recovery(777, 0));
            assertThat(l.size()).isEqualTo(5);
            assertThat(Files.size(LogFiles.log(dir))).isEqualTo(committedBytes);
            assertThat(l.append(TamperDetectionTest.event(5)).seq()).isEqualTo(5);
        }
        try (EmbeddedLedger l = EmbeddedLedger.open(dir, ORIGIN, Suite.INTL, key)) {
            assertThat(l.recovery().repaired()).isFalse();
            assertThat(l.size()).isEqualTo(6);
        }
        assertThat(EmbeddedLedger.verify(dir, List.of(key.verifyingKey()))).isEmpty();
    }

    @Test
    void groupTornInsideItsCommitFrameIsDroppedAsUnacknowledged() throws IOException {
        ByteArrayOutputStream group = new ByteArrayOutputStream();
        group.writeBytes(LogFormat.frame(LogFormat.ENTRY, 5, SignedEntries.encode(TamperDetectionTest.event(5), key)));
        group.writeBytes(LogFormat.frame(LogFormat.ENTRY, 6, SignedEntries.encode(TamperDetectionTest.event(6), key)));
        byte[] commit = LogFormat.frame(LogFormat.COMMIT, 7, new byte[32]);
        group.write(commit, 0, commit.length / 2);
        appendRaw(group.toByteArray());
        try (EmbeddedLedger l = EmbeddedLedger.open(dir, ORIGIN, Suite.INTL, key)) {
            assertThat(l.recovery()).isEqualTo(new EmbeddedLedger.Recovery(group.size(), 2));
            assertThat(l.size()).isEqualTo(5);
            assertThat(l.read(5)).isEmpty();
            assertThat(l.append(TamperDetectionTest.event(6)).seq()).isEqualTo(5);
        }
        assertThat(EmbeddedLedger.verify(dir, List.of(key.verifyingKey()))).isEmpty();
    }

    @Test
    void halfAFrameHeaderIsTruncated() throws IOException {
        byte[] frame = LogFormat.frame(LogFormat.ENTRY, 5, SignedEntries.encode(TamperDetectionTest.event(5), key));
        appendRaw(Arrays.copyOf(frame, 7));
        try (EmbeddedLedger l = EmbeddedLedger.open(dir, ORIGIN, Suite.INTL, key)) {
            assertThat(l.recovery()).isEqualTo(new EmbeddedLedger.Recovery(7, 0));
            assertThat(l.size()).isEqualTo(5);
        }
    }

    @Test
    void crashBeforeTheCheckpointWasRewrittenIsRepairedBySigningTheCommittedState() throws IOException {
        Path note = dir.resolve(CheckpointFile.NAME);
        String atFive = Files.readString(note);
        try (EmbeddedLedger l = EmbeddedLedger.open(dir, ORIGIN, Suite.INTL, key)) {
            l.append(TamperDetectionTest.event(5));
        }
        Files.writeString(note, atFive); // the group reached the log, its checkpoint did not
        assertThat(EmbeddedLedger.verify(dir, List.of(key.verifyingKey()))).isEmpty();
        try (EmbeddedLedger l = EmbeddedLedger.open(dir, ORIGIN, Suite.INTL, key)) {
            assertThat(l.size()).isEqualTo(6);
            assertThat(l.checkpoint().treeSize()).isEqualTo(6);
        }
        assertThat(Files.readString(note)).contains("\n6\n");
    }
}
