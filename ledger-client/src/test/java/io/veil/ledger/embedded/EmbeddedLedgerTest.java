package io.veil.ledger.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.crypto.Suite;
import io.veil.crypto.SigningKey;
import io.veil.crypto.VerifyingKey;
import io.veil.ledger.Ledger;
import io.veil.ledger.LedgerContractTest;
import io.veil.ledger.LedgerEntry;
import io.veil.ledger.SignedEntries;
import io.veil.ledger.TamperFinding;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the embedded Merkle log (INTL suite), plus what only a file-backed ledger does. */
class EmbeddedLedgerTest extends LedgerContractTest {
    static final String ORIGIN = "veil/zone-a";
    @TempDir
    Path dir;
    SigningKey key;

    protected Suite ledgerSuite() {
        return Suite.INTL;
    }

    @Override
    protected Ledger newLedger() {
        key = SigningKey.generate(ledgerSuite());
        return EmbeddedLedger.open(dir, ORIGIN, ledgerSuite(), key);
    }

    @Override
    protected VerifyingKey zoneKey() {
        return key.verifyingKey();
    }

    private EmbeddedLedger reopen(SigningKey k) {
        ledger.close();
        EmbeddedLedger l = EmbeddedLedger.open(dir, ORIGIN, ledgerSuite(), k);
        ledger = l;
        return l;
    }

    @Test
    void reopeningKeepsEntriesCheckpointAndIdempotency() {
        List<LedgerEntry> before = appendScenario();
        var cp = ledger.checkpoint();
        EmbeddedLedger l = reopen(key);
        assertThat(l.recovery().repaired()).isFalse();
        assertThat(l.size()).isEqualTo(10);
        assertThat(l.checkpoint()).isEqualTo(cp);
        for (LedgerEntry e : before) {
            assertThat(l.read(e.seq())).contains(e);
        }
        assertThat(l.append(event("e3", before.get(3).event().type(), 3, before.get(3).event().subjects()))).isEqualTo(before.get(3));
        assertThat(l.append(event("new")).seq()).isEqualTo(10);
    }

    @Test
    void closedLedgerVerifiesWithTheZoneKeyOnly() {
        appendScenario();
        ledger.close();
        assertThat(EmbeddedLedger.verify(dir, List.of(key.verifyingKey()))).isEmpty();
        List<TamperFinding> stranger = EmbeddedLedger.verify(dir, List.of(SigningKey.generate(ledgerSuite()).verifyingKey()));
        assertThat(stranger).extracting(TamperFinding::kind).contains(TamperFinding.Kind.UNTRUSTED_KEY, TamperFinding.Kind.FORGED_CHECKPOINT);
    }

    @Test
    void rotatingTheZoneKeySignsNewEntriesWithTheNewKeyAndKeepsOldOnesValid() {
        appendScenario();
        SigningKey newKey = SigningKey.generate(ledgerSuite());
        EmbeddedLedger l = reopen(newKey);
        assertThat(l.checkpoint().verifiedBy(newKey.verifyingKey())).isTrue();
        LedgerEntry after = l.append(event("after-rotation"));
        assertThat(after.keyId()).isEqualTo(newKey.verifyingKey().keyId());
        assertThat(SignedEntries.decode(after.entryBytes()).verify(newKey.verifyingKey())).isTrue();
        assertThat(SignedEntries.decode(l.read(0).orElseThrow().entryBytes()).verify(key.verifyingKey())).isTrue();
        l = reopen(newKey);
        assertThat(l.size()).isEqualTo(11);
        l.close();
        assertThat(EmbeddedLedger.verify(dir, List.of(key.verifyingKey(), newKey.verifyingKey()))).isEmpty();
        assertThat(EmbeddedLedger.verify(dir, List.of(key.verifyingKey())))
                .anySatisfy(f -> assertThat(f.detail()).contains(newKey.verifyingKey().keyId()));
    }

    @Test
    void aDirectoryIsOpenedByOneLedgerAtATime() {
        assertThatThrownBy(() -> EmbeddedLedger.open(dir, ORIGIN, ledgerSuite(), key))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already open");
    }

    @Test
    void refusesAnotherOriginOrAMismatchedKey() {
        ledger.close();
        assertThatThrownBy(() -> EmbeddedLedger.open(dir, "veil/other", ledgerSuite(), key))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("origin differs");
        Suite other = ledgerSuite() == Suite.INTL ? Suite.GM : Suite.INTL;
        assertThatThrownBy(() -> EmbeddedLedger.open(dir, ORIGIN, ledgerSuite(), SigningKey.generate(other)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zone key");
        ledger = EmbeddedLedger.open(dir, ORIGIN, ledgerSuite(), key);
        assertThat(ledger.size()).isZero();
    }

    @Test
    void appendsAfterCloseAreRefused() {
        ledger.close();
        assertThatThrownBy(() -> ledger.append(event("late"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void crashDuringRotationBeforeTheKeyFrameStillOpensWithTheNewKey() throws Exception {
        appendScenario();
        var cp = ledger.checkpoint();
        ledger.close();
        SigningKey newKey = SigningKey.generate(ledgerSuite());
        // the rotation wrote its checkpoint (signed by the new key) and crashed before the KEY frame
        java.nio.file.Files.writeString(dir.resolve(CheckpointFile.NAME),
                io.veil.ledger.SignedCheckpoint.sign(ORIGIN, cp.treeSize(), cp.rootHash(), newKey).note());
        EmbeddedLedger l = EmbeddedLedger.open(dir, ORIGIN, ledgerSuite(), newKey);
        ledger = l;
        assertThat(l.size()).isEqualTo(10);
        assertThat(l.append(event("after")).keyId()).isEqualTo(newKey.verifyingKey().keyId());
        l.close();
        assertThat(EmbeddedLedger.verify(dir, List.of(key.verifyingKey(), newKey.verifyingKey()))).isEmpty();
    }

    @Test
    void openingWithAKeyTheLogHasRotatedAwayFromIsRefused() {
        appendScenario();
        SigningKey newKey = SigningKey.generate(ledgerSuite());
        reopen(newKey).close();
        assertThatThrownBy(() -> EmbeddedLedger.open(dir, ORIGIN, ledgerSuite(), key))
                .isInstanceOf(io.veil.ledger.LedgerTamperedException.class).hasMessageContaining("open with the current zone key");
        ledger = EmbeddedLedger.open(dir, ORIGIN, ledgerSuite(), newKey);
        assertThat(ledger.size()).isEqualTo(10);
    }
}
