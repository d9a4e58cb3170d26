package io.veil.ledger.embedded;

import io.veil.crypto.SigningKey;
import io.veil.crypto.VerifyingKey;
import io.veil.ledger.LedgerTamperedException;
import io.veil.ledger.SignedCheckpoint;
import io.veil.ledger.SignedEntries;
import io.veil.ledger.TamperFinding;
import io.veil.ledger.TamperFinding.Kind;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What open trusts. The zone key given to open is the anchor: the checkpoint must be signed by it,
 * and it covers (through its root) every entry up to its tree size, so those need no per-entry
 * signature check; entries after it (a group whose checkpoint a crash cut off) must be signed by
 * the zone key themselves. A zone key the log has never seen is a rotation: the checkpoint may then
 * be signed by the log's last key (trust on first use of the log's own key history) and every
 * entry signature is checked. A log naming a key after the given one is refused. Any finding
 * triggers a full rescan with signatures so the exception says which entries are affected.
 */
final class OpenCheck {
    /** The verified checkpoint (null for a ledger with nothing committed yet) and whether the zone key is new to the log. */
    record Outcome(SignedCheckpoint checkpoint, boolean rotation) {}

    private OpenCheck() {}

    static Outcome run(Path dir, FileChannel ch, LogScanner.Result r, SigningKey zoneKey, LedgerIndex index) throws IOException {
        VerifyingKey zone = zoneKey.verifyingKey();
        List<VerifyingKey> keys = r.keys();
        int at = indexOf(keys, zone);
        boolean rotation = at < 0;
        List<TamperFinding> findings = new ArrayList<>(r.findings());
        if (!rotation && at != keys.size() - 1) {
            findings.add(new TamperFinding(Kind.UNTRUSTED_KEY, -1, "the log names key " + keys.get(keys.size() - 1).keyId()
                    + " after zone key " + zone.keyId() + " (open with the current zone key)"));
        }
        List<VerifyingKey> signers = new ArrayList<>(List.of(zone));
        if (rotation && !keys.isEmpty()) {
            signers.add(keys.get(keys.size() - 1));
        }
        String note = CheckpointFile.read(dir);
        SignedCheckpoint cp = LogScanner.checkCheckpoint(note, r, signers, findings);
        if (findings.isEmpty()) {
            VerifyingKey signer = cp == null ? zone : cp.signer(signers).orElseThrow();
            uncovered(ch, r, cp == null ? 0 : cp.treeSize(), List.of(zone, signer), index, findings);
        }
        if (findings.isEmpty() && rotation) {
            findings.addAll(LogScanner.scan(ch, null, true).findings());
        }
        if (!findings.isEmpty()) {
            LogScanner.Result full = LogScanner.scan(ch, null, true);
            List<TamperFinding> all = new ArrayList<>(full.findings());
            findings.stream().filter(f -> !all.contains(f)).forEach(all::add);
            throw new LedgerTamperedException("ledger " + dir, all);
        }
        return new Outcome(cp, rotation);
    }

    /** Entries after the checkpoint's tree size must carry a valid signature by one of {@code allowed}. */
    private static void uncovered(FileChannel ch, LogScanner.Result r, long from, List<VerifyingKey> allowed, LedgerIndex index,
                                  List<TamperFinding> findings) throws IOException {
        for (long seq = from; seq < r.committedSize(); seq++) {
            LogFormat.Frame f = LogFormat.readAt(ch, index.offset(seq));
            SignedEntries.Decoded d = SignedEntries.decode(f.payload());
            VerifyingKey key = allowed.stream().filter(k -> k.keyId().equals(d.keyId())).findFirst().orElse(null);
            if (key == null) {
                findings.add(new TamperFinding(Kind.UNTRUSTED_KEY, seq, "entry after the checkpoint is signed by key " + d.keyId()
                        + ", not by the zone key"));
            } else if (!d.verify(key)) {
                findings.add(new TamperFinding(Kind.MODIFIED, seq, "entry signature does not verify under key " + d.keyId()));
            }
        }
    }

    private static int indexOf(List<VerifyingKey> keys, VerifyingKey k) {
        for (int i = keys.size() - 1; i >= 0; i--) {
            if (LogScanner.contains(List.of(keys.get(i)), k)) {
                return i;
            }
        }
        return -1;
    }
}
