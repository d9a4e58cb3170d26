package io.veil.ledger.embedded;

import io.veil.crypto.Suite;
import io.veil.crypto.SigningKey;
import io.veil.crypto.VerifyingKey;
import io.veil.ledger.ConsistencyProof;
import io.veil.ledger.InclusionProof;
import io.veil.ledger.Ledger;
import io.veil.ledger.LedgerEntry;
import io.veil.ledger.LedgerEvent;
import io.veil.ledger.LedgerPage;
import io.veil.ledger.LedgerQuery;
import io.veil.ledger.LedgerResult;
import io.veil.ledger.LedgerTamperedException;
import io.veil.ledger.MerkleProofs;
import io.veil.ledger.SignedCheckpoint;
import io.veil.ledger.SignedEntries;
import io.veil.ledger.TamperFinding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * The default ledger: an RFC 9162 Merkle log in one append-only file ({@code log.dat}, see {@link
 * LogFormat}) plus the latest signed checkpoint ({@code checkpoint.note}) in a directory held by
 * one process at a time ({@code ledger.lock}).
 *
 * <p>Open scans and verifies the whole log (order, encoding, every zone signature, every committed
 * root, the checkpoint) and refuses a log that does not verify with a {@link
 * LedgerTamperedException} listing the findings. A torn tail — a group that never reached its
 * COMMIT frame, so was never acknowledged — is truncated and reported by {@link #recovery()}.
 * Opening with a zone key the log does not end with records a KEY frame: entries from then on are
 * signed, and checkpoints re-signed, with the new key; earlier entries keep verifying under theirs.
 */
public final class EmbeddedLedger implements Ledger {
    static final String LOG = "log.dat";
    static final String LOCK = "ledger.lock";
    /** The first group (header, key, commit) is a few hundred bytes; a larger file is never silently re-created. */
    private static final long MAX_FIRST_GROUP = 4096;
    private static final System.Logger LOG_SINK = System.getLogger(EmbeddedLedger.class.getName());

    /** What open had to repair: bytes of a torn, never-acknowledged tail and the entries in it. */
    public record Recovery(long truncatedBytes, long droppedEntries) {
        public boolean repaired() {
            return truncatedBytes > 0;
        }
    }

    private final Suite suite;
    private final FileChannel ch;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final MerkleTree tree;
    private final LedgerIndex index;
    private final LogWriter writer;
    private final Recovery recovery;
    private volatile long durable;
    private volatile SignedCheckpoint checkpoint;

    private EmbeddedLedger(Path dir, String origin, Suite suite, SigningKey zoneKey, FileChannel lockChannel, FileLock lock,
                           FileChannel ch) throws IOException {
        this.suite = suite;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.ch = ch;
        LogScanner.Result r = freshOrScan(dir, ch);
        if (r == null) {
            this.tree = new MerkleTree(suite);
            this.index = new LedgerIndex();
            this.recovery = new Recovery(0, 0);
            this.writer = newWriter(dir, origin, zoneKey, 0);
            byte[] header = (LogFormat.MAGIC + "\n" + suite + "\n" + origin + "\n").getBytes(StandardCharsets.UTF_8);
            writer.writeGroupNow(List.of(LogFormat.frame(LogFormat.HEADER, 0, header),
                    LogFormat.frame(LogFormat.KEY, 0, zoneKey.verifyingKey().encoded())));
            CheckpointFile.fsyncDirectory(dir);
        } else {
            if (r.suite() == null) {
                throw new LedgerTamperedException("ledger " + dir, r.findings());
            }
            if (r.suite() != suite || !r.origin().equals(origin)) {
                throw new IllegalArgumentException("ledger in " + dir + " is for suite " + r.suite() + " and another origin or suite than requested ("
                        + (r.origin().equals(origin) ? "origin matches" : "origin differs") + ")");
            }
            OpenCheck.Outcome checked = OpenCheck.run(dir, ch, r, zoneKey, r.index());
            SignedCheckpoint cp = checked.checkpoint();
            this.tree = r.tree();
            this.index = r.index();
            this.recovery = new Recovery(r.tailBytes(), r.uncommittedEntries());
            if (recovery.repaired()) {
                ch.truncate(r.committedEnd());
                ch.force(true);
                LOG_SINK.log(System.Logger.Level.WARNING, "ledger {0}: dropped a torn tail of {1} bytes ({2} unacknowledged entries)",
                        dir, recovery.truncatedBytes(), recovery.droppedEntries());
            }
            this.writer = newWriter(dir, origin, zoneKey, r.committedEnd());
            this.durable = r.committedSize();
            this.checkpoint = cp;
            if (checked.rotation()) {
                // Checkpoint first, signed by the new key: a crash before the KEY frame then still opens with it.
                this.checkpoint = SignedCheckpoint.sign(origin, durable, tree.root(durable), zoneKey);
                CheckpointFile.write(dir, checkpoint);
                writer.writeGroupNow(List.of(LogFormat.frame(LogFormat.KEY, durable, zoneKey.verifyingKey().encoded())));
                LOG_SINK.log(System.Logger.Level.INFO, "ledger {0}: zone signing key rotated to {1}", dir, zoneKey.verifyingKey().keyId());
            } else if (cp == null || cp.treeSize() < durable) {
                // Crashed after a group's fsync but before its checkpoint: sign the committed state now.
                this.checkpoint = SignedCheckpoint.sign(origin, durable, tree.root(durable), zoneKey);
                CheckpointFile.write(dir, checkpoint);
            }
        }
        writer.start();
    }

    private LogWriter newWriter(Path dir, String origin, SigningKey zoneKey, long end) {
        return new LogWriter(dir, ch, end, tree, index, origin, zoneKey, new LogWriter.Sink() {
            @Override
            public void publish(long size, SignedCheckpoint cp) {
                checkpoint = cp;
                durable = size;
            }

            @Override
            public LedgerEntry stored(long seq) {
                return readEntry(seq);
            }
        });
    }

    /**
     * Null for a log that must be (re)created: none yet, or a first group that crashed before its
     * fsync (no committed key and no checkpoint, so nothing was ever acknowledged).
     */
    private static LogScanner.Result freshOrScan(Path dir, FileChannel ch) throws IOException {
        if (ch.size() == 0) {
            return null;
        }
        LogScanner.Result r = LogScanner.scan(ch, null, false);
        if (ch.size() < MAX_FIRST_GROUP && r.keys().isEmpty() && r.committedSize() == 0
                && !Files.exists(dir.resolve(CheckpointFile.NAME))) {
            ch.truncate(0);
            return null;
        }
        return r;
    }

    /**
     * Opens (or creates) the ledger in {@code dir}; the zone signs entries and checkpoints with {@code zoneKey}.
     *
     * @throws LedgerTamperedException if the stored log or checkpoint does not verify
     * @throws IllegalStateException if another process or instance holds the directory
     * @throws IllegalArgumentException if the directory holds a ledger of another origin or suite
     * @throws UncheckedIOException if the directory cannot be read or written
     */
    public static EmbeddedLedger open(Path dir, String origin, Suite suite, SigningKey zoneKey) {
        if (zoneKey.suite() != suite) {
            throw new IllegalArgumentException("zone key is a " + zoneKey.suite() + " key but the ledger suite is " + suite);
        }
        if (origin == null || origin.isEmpty() || origin.contains("\n")) {
            throw new IllegalArgumentException("origin must be one non-empty line");
        }
        FileChannel lockChannel = null;
        FileChannel log = null;
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("ledger " + dir + " is already open (" + LOCK + " is held)");
            }
            log = FileChannel.open(dir.resolve(LOG), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            return new EmbeddedLedger(dir, origin, suite, zoneKey, lockChannel, lock, log);
        } catch (IOException e) {
            closeQuietly(log, lockChannel);
            throw new UncheckedIOException("cannot open ledger " + dir, e);
        } catch (RuntimeException e) {
            closeQuietly(log, lockChannel);
            throw e;
        }
    }

    /**
     * Offline check of a ledger directory that no process has open: every frame, entry signature,
     * committed root and the checkpoint, with only {@code trustedKeys} accepted as zone keys. An
     * empty list means intact; a torn, never-acknowledged tail is not a finding. Changes nothing.
     */
    public static List<TamperFinding> verify(Path dir, Collection<VerifyingKey> trustedKeys) {
        if (trustedKeys == null || trustedKeys.isEmpty()) {
            throw new IllegalArgumentException("verify needs at least one trusted zone key");
        }
        Path log = dir.resolve(LOG);
        if (!Files.isRegularFile(log)) {
            throw new IllegalArgumentException("no ledger in " + dir + " (" + LOG + " is missing)");
        }
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
            LogScanner.Result r = LogScanner.scan(ch, List.copyOf(trustedKeys), true);
            List<TamperFinding> findings = new ArrayList<>(r.findings());
            if (r.suite() != null) {
                LogScanner.checkCheckpoint(CheckpointFile.read(dir), r, List.copyOf(trustedKeys), findings);
            }
            return List.copyOf(findings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ledger " + dir, e);
        }
    }

    /** What open repaired (a torn tail), if anything. */
    public Recovery recovery() {
        return recovery;
    }

    public Suite suite() {
        return suite;
    }

    @Override
    public LedgerEntry append(LedgerEvent event) {
        return appendAll(List.of(event)).get(0);
    }

    @Override
    public List<LedgerEntry> appendAll(List<LedgerEvent> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        SigningKey key = writer.key();
        List<LogWriter.Prepared> prepared = new ArrayList<>(events.size());
        for (LedgerEvent e : events) {
            prepared.add(LogWriter.prepare(e, key));
        }
        try {
            return writer.submit(prepared).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                re.addSuppressed(new Exception("append called here"));
                throw re;
            }
            throw e;
        }
    }

    @Override
    public Optional<LedgerEntry> read(long seq) {
        return seq < 0 || seq >= durable ? Optional.empty() : Optional.of(readEntry(seq));
    }

    /** Reads entry {@code seq} back from disk, refusing bytes that no longer hash to the leaf verified at open. */
    private LedgerEntry readEntry(long seq) {
        LogFormat.Frame f;
        try {
            f = LogFormat.readAt(ch, index.offset(seq));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ledger entry " + seq, e);
        }
        byte[] leaf = f == null ? null : MerkleProofs.leafHash(suite, f.payload());
        if (f == null || f.type() != LogFormat.ENTRY || f.seq() != seq || !MessageDigest.isEqual(leaf, tree.leaf(seq))) {
            throw new LedgerTamperedException(LedgerTamperedException.Kind.MODIFIED, seq,
                    "ledger entry " + seq + " changed on disk since the ledger was opened");
        }
        SignedEntries.Decoded d = SignedEntries.decode(f.payload());
        return new LedgerEntry(seq, d.event(), f.payload(), leaf, d.keyId());
    }

    @Override
    public LedgerPage query(LedgerQuery q) {
        long size = durable;
        List<Long> seqs = index.select(q, size, q.limit() + 1);
        List<LedgerEntry> entries = new ArrayList<>(Math.min(seqs.size(), q.limit()));
        for (int i = 0; i < seqs.size() && i < q.limit(); i++) {
            entries.add(readEntry(seqs.get(i)));
        }
        long next = entries.isEmpty() ? q.afterSeq() : entries.get(entries.size() - 1).seq();
        return new LedgerPage(entries, seqs.size() > q.limit(), next);
    }

    @Override
    public SignedCheckpoint checkpoint() {
        return checkpoint;
    }

    @Override
    public LedgerResult<InclusionProof> inclusionProof(long seq, long treeSize) {
        long size = durable;
        if (treeSize < 1 || treeSize > size || seq < 0 || seq >= treeSize) {
            return LedgerResult.failure(LedgerResult.Reason.OUT_OF_RANGE,
                    "no entry " + seq + " in a tree of size " + treeSize + " (ledger size " + size + ")");
        }
        return LedgerResult.success(new InclusionProof(seq, treeSize, tree.inclusionPath(seq, treeSize)));
    }

    @Override
    public LedgerResult<ConsistencyProof> consistencyProof(long fromSize, long toSize) {
        long size = durable;
        if (fromSize < 0 || fromSize > toSize || toSize > size) {
            return LedgerResult.failure(LedgerResult.Reason.OUT_OF_RANGE,
                    "cannot prove " + fromSize + " → " + toSize + " (ledger size " + size + ")");
        }
        return LedgerResult.success(new ConsistencyProof(fromSize, toSize, tree.consistencyPath(fromSize, toSize)));
    }

    /** Root of the tree of the first {@code treeSize} entries (≤ size()). */
    public byte[] root(long treeSize) {
        if (treeSize < 0 || treeSize > durable) {
            throw new IllegalArgumentException("tree size " + treeSize + " beyond ledger size " + durable);
        }
        return tree.root(treeSize);
    }

    @Override
    public long size() {
        return durable;
    }

    @Override
    public synchronized void close() {
        if (!ch.isOpen()) {
            return;
        }
        writer.close();
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases it as well
        }
        closeQuietly(ch, lockChannel);
    }

    private static void closeQuietly(FileChannel... channels) {
        for (FileChannel c : channels) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (IOException e) {
                // nothing more to do while closing
            }
        }
    }
}
