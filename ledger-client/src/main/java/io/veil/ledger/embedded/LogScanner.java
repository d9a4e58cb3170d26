package io.veil.ledger.embedded;

import io.veil.crypto.Suite;
import io.veil.crypto.VerifyingKey;
import io.veil.ledger.MerkleProofs;
import io.veil.ledger.SignedCheckpoint;
import io.veil.ledger.SignedEntries;
import io.veil.ledger.TamperFinding;
import io.veil.ledger.TamperFinding.Kind;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code log.dat} from the start, rebuilding the Merkle tree and the index and checking every
 * frame: sequence order, entry encoding and zone signature, and the root recorded by each COMMIT
 * frame. Shared by {@link EmbeddedLedger#open} (which refuses a log with findings) and the offline
 * {@link EmbeddedLedger#verify}.
 *
 * <p>Only what a COMMIT frame covers counts: bytes after the last one are a group that was never
 * acknowledged (a torn write) and are reported as {@code tailBytes}, not as tampering. A frame
 * whose checksum fails in the middle of the log — a valid frame follows it — is a modification.
 */
final class LogScanner {
    /** What a scan found; {@code suite}/{@code origin} are null if the header itself is unreadable. */
    record Result(Suite suite, String origin, List<VerifyingKey> keys, MerkleTree tree, LedgerIndex index,
                  long committedSize, long committedEnd, long fileSize, long uncommittedEntries,
                  List<TamperFinding> findings) {
        long tailBytes() {
            return fileSize - committedEnd;
        }
    }

    private static final int MAX_REPORTED = 100;
    /** A stored seq this far ahead of the entry's position is not a gap but a forged number (and would cost memory). */
    private static final long MAX_SEQ_JUMP = 1 << 20;

    private record Pending(long seq, long offset, LedgerIndex.Summary summary) {}

    private final LogFormat.Reader reader;
    private final Collection<VerifyingKey> trusted;
    private final List<TamperFinding> findings = new ArrayList<>();
    private final List<VerifyingKey> keys = new ArrayList<>();
    private final Map<String, VerifyingKey> keysById = new HashMap<>();
    private final List<Pending> group = new ArrayList<>();
    private final BitSet present = new BitSet();
    private final LedgerIndex index = new LedgerIndex();
    private Suite suite;
    private MerkleTree tree;
    private MessageDigest md;
    private long maxSeq = -1;
    private long committedSize;
    private long committedEnd;
    private int committedKeys;

    private final boolean checkSignatures;
    private final List<SignatureCheck> unchecked = new ArrayList<>();

    /** A signature still to verify; verified in parallel batches because signature checks dominate a scan. */
    private record SignatureCheck(long seq, SignedEntries.Decoded decoded, VerifyingKey key) {}

    private LogScanner(FileChannel ch, long fileSize, Collection<VerifyingKey> trusted, boolean checkSignatures) {
        this.reader = new LogFormat.Reader(ch, fileSize);
        this.trusted = trusted;
        this.checkSignatures = checkSignatures;
    }

    /**
     * Scans the log. {@code trusted} null means the KEY frames in the log are taken as they are.
     * Without {@code checkSignatures} entry signatures are left to the caller: open relies on the
     * signed checkpoint root for the entries it covers and checks only the rest itself.
     */
    static Result scan(FileChannel ch, Collection<VerifyingKey> trusted, boolean checkSignatures) throws IOException {
        return new LogScanner(ch, ch.size(), trusted, checkSignatures).run();
    }

    private void verifyPendingSignatures() {
        List<SignatureCheck> batch = List.copyOf(unchecked);
        unchecked.clear();
        boolean[] ok = new boolean[batch.size()];
        java.util.stream.IntStream.range(0, batch.size()).parallel()
                .forEach(i -> ok[i] = batch.get(i).decoded().verify(batch.get(i).key()));
        for (int i = 0; i < ok.length; i++) {
            if (!ok[i]) {
                findings.add(new TamperFinding(Kind.MODIFIED, batch.get(i).seq(),
                        "entry signature does not verify under key " + batch.get(i).key().keyId()));
            }
        }
    }

    private Result run() throws IOException {
        LogFormat.Frame header = reader.read(0);
        String[] h = header == null || header.type() != LogFormat.HEADER ? null
                : new String(header.payload(), StandardCharsets.UTF_8).split("\n", -1);
        if (h == null || h.length != 4 || !h[0].equals(LogFormat.MAGIC) || !h[3].isEmpty() || !isSuite(h[1])) {
            findings.add(new TamperFinding(Kind.MODIFIED, -1, "log header frame is missing or unreadable"));
            return new Result(null, null, List.of(), null, index, 0, 0, reader.fileSize(), 0, List.copyOf(findings));
        }
        suite = Suite.valueOf(h[1]);
        tree = new MerkleTree(suite);
        md = suite.newDigest();
        committedEnd = header.end();
        long pos = header.end();
        while (pos < reader.fileSize()) {
            LogFormat.Frame f = reader.read(pos);
            boolean checksumOk = f != null;
            if (f == null) {
                f = reader.readIgnoringChecksum(pos);
                if (f == null || f.end() >= reader.fileSize() || reader.read(f.end()) == null) {
                    break; // torn tail: nothing readable follows
                }
            }
            switch (f.type()) {
                case LogFormat.ENTRY -> entry(f, checksumOk);
                case LogFormat.COMMIT -> commit(f, checksumOk);
                case LogFormat.KEY -> key(f, checksumOk);
                default -> findings.add(new TamperFinding(Kind.MODIFIED, -1, "second header frame at offset " + f.offset()));
            }
            pos = f.end();
        }
        verifyPendingSignatures();
        int removed = 0;
        for (long s = present.nextClearBit(0); s <= maxSeq; s = present.nextClearBit((int) s + 1)) {
            if (++removed > MAX_REPORTED) {
                findings.add(new TamperFinding(Kind.REMOVED, s, "and further entries up to seq " + maxSeq + " are missing"));
                break;
            }
            findings.add(new TamperFinding(Kind.REMOVED, s, "entry missing: the log skips from seq " + (s - 1) + " over it"));
        }
        long uncommitted = tree.size() - committedSize;
        tree.truncate(committedSize);
        return new Result(suite, h[2], List.copyOf(keys.subList(0, committedKeys)), tree, index, committedSize,
                committedEnd, reader.fileSize(), uncommitted, List.copyOf(findings));
    }

    private static boolean isSuite(String s) {
        return Arrays.stream(Suite.values()).anyMatch(v -> v.name().equals(s));
    }

    private void entry(LogFormat.Frame f, boolean checksumOk) {
        long position = tree.size();
        tree.append(MerkleProofs.leafHash(md, f.payload()));
        if (!checksumOk) {
            findings.add(new TamperFinding(Kind.MODIFIED, position, "entry frame checksum does not match its bytes"));
            if (position < Integer.MAX_VALUE) {
                present.set((int) position);
                maxSeq = Math.max(maxSeq, position);
            }
            return;
        }
        long seq = f.seq();
        if (seq < 0 || seq > position + MAX_SEQ_JUMP) {
            findings.add(new TamperFinding(Kind.MODIFIED, position, "implausible sequence number in entry frame"));
            return;
        }
        if (present.get((int) seq)) {
            findings.add(new TamperFinding(Kind.REORDERED, seq, "entry appears twice"));
        } else if (seq < maxSeq) {
            findings.add(new TamperFinding(Kind.REORDERED, seq, "entry appears after seq " + maxSeq));
        }
        present.set((int) seq);
        maxSeq = Math.max(maxSeq, seq);
        SignedEntries.Decoded d;
        try {
            d = SignedEntries.decode(f.payload());
        } catch (IllegalArgumentException e) {
            findings.add(new TamperFinding(Kind.MODIFIED, seq, "entry does not decode: " + e.getMessage()));
            return;
        }
        VerifyingKey key = keysById.get(d.keyId());
        if (key == null) {
            findings.add(new TamperFinding(Kind.MODIFIED, seq, "entry is signed by key " + d.keyId() + ", which the log does not hold"));
        } else if (checkSignatures) {
            unchecked.add(new SignatureCheck(seq, d, key));
            if (unchecked.size() >= 4096) {
                verifyPendingSignatures();
            }
        }
        if (seq == position) {
            group.add(new Pending(seq, f.offset(), LedgerIndex.Summary.of(d.event())));
        }
    }

    private void commit(LogFormat.Frame f, boolean checksumOk) {
        if (!checksumOk) {
            findings.add(new TamperFinding(Kind.ROOT_MISMATCH, -1, "commit frame at offset " + f.offset() + " fails its checksum"));
        } else if (f.seq() != tree.size()) {
            findings.add(new TamperFinding(Kind.ROOT_MISMATCH, -1,
                    "commit frame claims tree size " + f.seq() + " but " + tree.size() + " entries precede it"));
        } else if (!MessageDigest.isEqual(f.payload(), tree.root(tree.size()))) {
            findings.add(new TamperFinding(Kind.ROOT_MISMATCH, -1,
                    "entries do not hash to the root committed at tree size " + tree.size()));
        }
        if (findings.isEmpty()) {
            for (Pending p : group) {
                index.add(p.seq(), p.offset(), p.summary());
            }
        }
        group.clear();
        committedSize = tree.size();
        committedEnd = f.end();
        committedKeys = keys.size();
    }

    private void key(LogFormat.Frame f, boolean checksumOk) {
        VerifyingKey k;
        try {
            if (!checksumOk) {
                throw new IllegalArgumentException("checksum");
            }
            k = VerifyingKey.decode(suite, f.payload());
        } catch (IllegalArgumentException e) {
            findings.add(new TamperFinding(Kind.MODIFIED, -1, "key frame at offset " + f.offset() + " is unreadable"));
            return;
        }
        if (trusted != null && !contains(trusted, k)) {
            findings.add(new TamperFinding(Kind.UNTRUSTED_KEY, -1, "log names signing key " + k.keyId() + ", which is not trusted"));
        }
        keys.add(k);
        keysById.put(k.keyId(), k);
    }

    static boolean contains(Collection<? extends VerifyingKey> keys, VerifyingKey k) {
        return keys.stream().anyMatch(t -> t.suite() == k.suite() && Arrays.equals(t.encoded(), k.encoded()));
    }

    /**
     * Checks the stored checkpoint against the scanned log: it must parse, name the log's origin,
     * be signed by one of {@code keys}, cover no more than the committed entries and match their root.
     */
    static SignedCheckpoint checkCheckpoint(String note, Result r, Collection<VerifyingKey> keys, List<TamperFinding> out) {
        if (note == null) {
            if (r.committedSize() > 0) {
                out.add(new TamperFinding(Kind.FORGED_CHECKPOINT, -1, CheckpointFile.NAME + " is missing"));
            }
            return null;
        }
        SignedCheckpoint cp;
        try {
            cp = SignedCheckpoint.parse(note);
        } catch (IllegalArgumentException e) {
            out.add(new TamperFinding(Kind.FORGED_CHECKPOINT, -1, e.getMessage()));
            return null;
        }
        if (!cp.origin().equals(r.origin())) {
            out.add(new TamperFinding(Kind.FORGED_CHECKPOINT, -1, "checkpoint names another log (origin differs)"));
        } else if (cp.signer(keys).isEmpty()) {
            out.add(new TamperFinding(Kind.FORGED_CHECKPOINT, -1, "checkpoint signature does not verify under any trusted zone key"));
        } else if (cp.treeSize() > r.committedSize()) {
            out.add(new TamperFinding(Kind.TRUNCATED, r.committedSize(),
                    "checkpoint covers " + cp.treeSize() + " entries but the log holds only " + r.committedSize()));
        } else if (!MessageDigest.isEqual(cp.rootHash(), r.tree().root(cp.treeSize()))) {
            out.add(new TamperFinding(Kind.ROOT_MISMATCH, -1,
                    "the first " + cp.treeSize() + " entries do not hash to the signed checkpoint root"));
        } else {
            return cp;
        }
        return null;
    }
}
