package io.veil.ledger.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.crypto.Suite;
import io.veil.crypto.SigningKey;
import io.veil.ledger.EventType;
import io.veil.ledger.LedgerEvent;
import io.veil.ledger.LedgerTamperedException;
import io.veil.ledger.SignedCheckpoint;
import io.veil.ledger.SignedEntries;
import io.veil.ledger.TamperFinding;
import io.veil.ledger.TamperFinding.Kind;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way of changing a closed ledger is reported by verify with a specific finding and refused by open. */
class TamperDetectionTest {
    static final String ORIGIN = "veil/zone-a";
    static final int ENTRIES = 12;
    @TempDir
    Path dir;
    SigningKey key = SigningKey.generate(Suite.INTL);

    static LedgerEvent event(int i) {
        return new LedgerEvent("ev-" + i, EventType.JOB_EXECUTED, "zone-a", Instant.parse("2026-02-01T10:00:00Z").plusSeconds(i),
                Map.of("job", "job-" + i, "dataset", "ds-1"), Map.of("rows", 1000L + i, "resultDigest", "d" + i));
    }

    @BeforeEach
    void writeLedger() {
        try (EmbeddedLedger l = EmbeddedLedger.open(dir, ORIGIN, Suite.INTL, key)) {
            for (int i = 0; i < ENTRIES; i++) {
                l.append(event(i)); // one group each: entries and commits interleave
            }
        }
        assertThat(EmbeddedLedger.verify(dir, List.of(key.verifyingKey()))).isEmpty();
    }

    private void assertDetected(Kind kind, long seq, String detail) {
        java.util.function.Predicate<TamperFinding> expected = f -> f.kind() == kind && f.seq() == seq && f.detail().contains(detail);
        List<TamperFinding> findings = EmbeddedLedger.verify(dir, List.of(key.verifyingKey()));
        assertThat(findings).as("findings of verify").anyMatch(expected);
        assertThatThrownBy(() -> EmbeddedLedger.open(dir, ORIGIN, Suite.INTL, key))
                .isInstanceOfSatisfying(LedgerTamperedException.class, e -> {
                    assertThat(e.findings()).as("findings of open").anyMatch(expected);
                    assertThat(e.getMessage()).contains(kind.name());
                });
    }

    @Test
    void untouchedLedgerReopens() {
        try (EmbeddedLedger l = EmbeddedLedger.open(dir, ORIGIN, Suite.INTL, key)) {
            assertThat(l.size()).isEqualTo(ENTRIES);
        }
    }

    @Test
    void flippedByteInAnEntryIsReportedAsModified() throws IOException {
        LogFormat.Frame f = LogFiles.frames(dir).get(LogFiles.entryIndex(LogFiles.frames(dir), 5));
        try (RandomAccessFile raf = new RandomAccessFile(LogFiles.log(dir).toFile(), "rw")) {
            long pos = f.offset() + 13 + f.payload().length / 2;
            raf.seek(pos);
            int b = raf.read();
            raf.seek(pos);
            raf.write(b ^ 0x01);
        }
        assertDetected(Kind.MODIFIED, 5, "checksum");
    }

    @Test
    void editedEntryWithRecomputedChecksumFailsItsSignature() throws IOException {
        List<LogFormat.Frame> frames = LogFiles.frames(dir);
        int i = LogFiles.entryIndex(frames, 5);
        String json = new String(frames.get(i).payload(), StandardCharsets.UTF_8);
        assertThat(json).contains("\"rows\":1005");
        frames.set(i, LogFiles.withPayload(frames.get(i), json.replace("\"rows\":1005", "\"rows\":9005").getBytes(StandardCharsets.UTF_8)));
        LogFiles.write(dir, frames);
        assertDetected(Kind.MODIFIED, 5, "signature does not verify");
    }

    @Test
    void entryResignedWithAnotherKeyIsReported() throws IOException {
        List<LogFormat.Frame> frames = LogFiles.frames(dir);
        int i = LogFiles.entryIndex(frames, 7);
        SigningKey attacker = SigningKey.generate(Suite.INTL);
        frames.set(i, LogFiles.withPayload(frames.get(i), SignedEntries.encode(event(70), attacker)));
        LogFiles.write(dir, frames);
        assertDetected(Kind.MODIFIED, 7, "which the log does not hold");
    }

    @Test
    void droppedEntryIsReportedAsRemoved() throws IOException {
        List<LogFormat.Frame> frames = LogFiles.frames(dir);
        frames.remove(LogFiles.entryIndex(frames, 4));
        LogFiles.write(dir, frames);
        assertDetected(Kind.REMOVED, 4, "entry missing");
    }

    @Test
    void swappedEntriesAreReportedAsReordered() throws IOException {
        List<LogFormat.Frame> frames = LogFiles.frames(dir);
        int a = LogFiles.entryIndex(frames, 5);
        int b = LogFiles.entryIndex(frames, 6);
        LogFormat.Frame fa = frames.get(a);
        frames.set(a, frames.get(b));
        frames.set(b, fa);
        LogFiles.write(dir, frames);
        assertDetected(Kind.REORDERED, 5, "appears after seq 6");
    }

    @Test
    void insertedCopyOfAnEntryIsReportedAsReordered() throws IOException {
        List<LogFormat.Frame> frames = LogFiles.frames(dir);
        frames.add(LogFiles.entryIndex(frames, 9), frames.get(LogFiles.entryIndex(frames, 3)));
        LogFiles.write(dir, frames);
        assertDetected(Kind.REORDERED, 3, "appears twice");
    }

    @Test
    void logTruncatedInTheMiddleIsReportedAsTruncated() throws IOException {
        LogFormat.Frame f = LogFiles.frames(dir).get(LogFiles.entryIndex(LogFiles.frames(dir), 5));
        try (RandomAccessFile raf = new RandomAccessFile(LogFiles.log(dir).toFile(), "rw")) {
            raf.setLength(f.offset() + 10);
        }
        assertDetected(Kind.TRUNCATED, 5, "checkpoint covers 12 entries but the log holds only 5");
    }

    @Test
    void checkpointSignedByAnotherKeyIsForged() throws IOException {
        SignedCheckpoint real = SignedCheckpoint.parse(Files.readString(dir.resolve(CheckpointFile.NAME)));
        SignedCheckpoint forged = SignedCheckpoint.sign(ORIGIN, real.treeSize(), real.rootHash(), SigningKey.generate(Suite.INTL));
        Files.writeString(dir.resolve(CheckpointFile.NAME), forged.note());
        assertDetected(Kind.FORGED_CHECKPOINT, -1, "does not verify under any trusted zone key");
    }

    @Test
    void checkpointWithEditedTreeSizeIsForged() throws IOException {
        String note = Files.readString(dir.resolve(CheckpointFile.NAME));
        Files.writeString(dir.resolve(CheckpointFile.NAME), note.replace("\n12\n", "\n11\n"));
        assertDetected(Kind.FORGED_CHECKPOINT, -1, "does not verify");
    }

    @Test
    void checkpointWithEditedRootIsForged() throws IOException {
        SignedCheckpoint real = SignedCheckpoint.parse(Files.readString(dir.resolve(CheckpointFile.NAME)));
        byte[] otherRoot = real.rootHash();
        otherRoot[0] ^= 1;
        String note = real.note().replace(Base64.getEncoder().encodeToString(real.rootHash()), Base64.getEncoder().encodeToString(otherRoot));
        Files.writeString(dir.resolve(CheckpointFile.NAME), note);
        assertDetected(Kind.FORGED_CHECKPOINT, -1, "does not verify");
    }

    @Test
    void validlySignedCheckpointOfAnotherHistoryIsARootMismatch(@TempDir Path other) throws IOException {
        try (EmbeddedLedger l = EmbeddedLedger.open(other, ORIGIN, Suite.INTL, key)) {
            for (int i = 0; i < ENTRIES; i++) {
                l.append(event(100 + i));
            }
        }
        Files.copy(other.resolve(CheckpointFile.NAME), dir.resolve(CheckpointFile.NAME), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertDetected(Kind.ROOT_MISMATCH, -1, "do not hash to the signed checkpoint root");
    }

    @Test
    void deletedCheckpointIsReported() throws IOException {
        Files.delete(dir.resolve(CheckpointFile.NAME));
        assertDetected(Kind.FORGED_CHECKPOINT, -1, "missing");
    }

    @Test
    void entryChangedWhileOpenIsRefusedOnRead() throws IOException {
        try (EmbeddedLedger l = EmbeddedLedger.open(dir, ORIGIN, Suite.INTL, key)) {
            LogFormat.Frame f = LogFiles.frames(dir).get(LogFiles.entryIndex(LogFiles.frames(dir), 2));
            try (RandomAccessFile raf = new RandomAccessFile(LogFiles.log(dir).toFile(), "rw")) {
                raf.seek(f.offset() + 20);
                raf.write('X');
            }
            assertThat(l.read(1)).isPresent();
            assertThatThrownBy(() -> l.read(2)).isInstanceOf(LedgerTamperedException.class).hasMessageContaining("entry 2 changed on disk");
        }
    }

    @Test
    void findingsNameEveryDroppedEntry() throws IOException {
        List<LogFormat.Frame> frames = new ArrayList<>(LogFiles.frames(dir));
        frames.remove(LogFiles.entryIndex(frames, 8));
        frames.remove(LogFiles.entryIndex(frames, 2));
        LogFiles.write(dir, frames);
        assertThat(EmbeddedLedger.verify(dir, List.of(key.verifyingKey())))
                .filteredOn(f -> f.kind() == Kind.REMOVED).extracting(TamperFinding::seq).containsExactly(2L, 8L);
    }

    /** Rewrites COMMIT frames so their roots match the (edited) entries, as a careful attacker would. */
    private static List<LogFormat.Frame> recommit(List<LogFormat.Frame> frames) {
        MerkleTree tree = new MerkleTree(Suite.INTL);
        List<LogFormat.Frame> out = new ArrayList<>();
        for (LogFormat.Frame f : frames) {
            if (f.type() == LogFormat.ENTRY) {
                tree.append(io.veil.ledger.MerkleProofs.leafHash(Suite.INTL, f.payload()));
            }
            out.add(f.type() == LogFormat.COMMIT ? new LogFormat.Frame(LogFormat.COMMIT, tree.size(), tree.root(tree.size()), 0) : f);
        }
        return out;
    }

    private static byte[] rootOf(List<LogFormat.Frame> frames) {
        MerkleTree tree = new MerkleTree(Suite.INTL);
        frames.stream().filter(f -> f.type() == LogFormat.ENTRY)
                .forEach(f -> tree.append(io.veil.ledger.MerkleProofs.leafHash(Suite.INTL, f.payload())));
        return tree.root(tree.size());
    }

    @Test
    void keyFrameInsertedByAnAttackerCannotCarryAForgedHistory() throws IOException {
        SigningKey attacker = SigningKey.generate(Suite.INTL);
        List<LogFormat.Frame> frames = new ArrayList<>(LogFiles.frames(dir));
        frames.add(2, new LogFormat.Frame(LogFormat.KEY, 0, attacker.verifyingKey().encoded(), 0));
        int i = LogFiles.entryIndex(frames, 5);
        frames.set(i, LogFiles.withPayload(frames.get(i), SignedEntries.encode(event(55), attacker)));
        frames = recommit(frames);
        LogFiles.write(dir, frames);
        Files.writeString(dir.resolve(CheckpointFile.NAME), SignedCheckpoint.sign(ORIGIN, ENTRIES, rootOf(frames), attacker).note());
        assertDetected(Kind.FORGED_CHECKPOINT, -1, "does not verify");
        assertThat(EmbeddedLedger.verify(dir, List.of(key.verifyingKey())))
                .anySatisfy(f -> assertThat(f.kind()).isEqualTo(Kind.UNTRUSTED_KEY));
    }

    @Test
    void keyFrameAppendedAfterTheZoneKeyIsRefused() throws IOException {
        SigningKey attacker = SigningKey.generate(Suite.INTL);
        List<LogFormat.Frame> frames = new ArrayList<>(LogFiles.frames(dir));
        frames.add(new LogFormat.Frame(LogFormat.KEY, ENTRIES, attacker.verifyingKey().encoded(), 0));
        frames.add(new LogFormat.Frame(LogFormat.COMMIT, ENTRIES, rootOf(frames), 0));
        LogFiles.write(dir, frames);
        assertThatThrownBy(() -> EmbeddedLedger.open(dir, ORIGIN, Suite.INTL, key)).isInstanceOfSatisfying(LedgerTamperedException.class,
                e -> assertThat(e.findings()).anySatisfy(f -> {
                    assertThat(f.kind()).isEqualTo(Kind.UNTRUSTED_KEY);
                    assertThat(f.detail()).contains("after zone key");
                }));
    }

    @Test
    void committedEntryBeyondTheCheckpointMustBeSignedByTheZoneKey() throws IOException {
        SigningKey attacker = SigningKey.generate(Suite.INTL);
        List<LogFormat.Frame> frames = new ArrayList<>(LogFiles.frames(dir));
        frames.add(new LogFormat.Frame(LogFormat.ENTRY, ENTRIES, SignedEntries.encode(event(ENTRIES), attacker), 0));
        frames.add(new LogFormat.Frame(LogFormat.COMMIT, ENTRIES + 1, rootOf(frames), 0));
        LogFiles.write(dir, frames);
        assertThatThrownBy(() -> EmbeddedLedger.open(dir, ORIGIN, Suite.INTL, key)).isInstanceOfSatisfying(LedgerTamperedException.class,
                e -> assertThat(e.findings()).anySatisfy(f -> {
                    assertThat(f.seq()).isEqualTo(ENTRIES);
                    assertThat(f.detail()).contains("signed by key " + attacker.verifyingKey().keyId());
                }));
    }
}
