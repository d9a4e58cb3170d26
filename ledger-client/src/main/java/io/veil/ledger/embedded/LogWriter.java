package io.veil.ledger.embedded;

import io.veil.crypto.SigningKey;
import io.veil.ledger.LedgerEntry;
import io.veil.ledger.LedgerEvent;
import io.veil.ledger.SignedCheckpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.LongFunction;

/**
 * The single writer of {@code log.dat}, with group commit: appenders sign their events on their own
 * thread and queue them; this thread takes everything queued, writes the entries and one COMMIT
 * frame in one write, fsyncs once, rewrites the signed checkpoint, publishes the new size and only
 * then completes the appenders' futures. Concurrent appenders therefore share one fsync, and an
 * append never returns before its entry is durable and covered by the checkpoint on disk.
 *
 * <p>After an I/O error the writer fails every pending and later append (fail closed; reopen to
 * recover — the scanner drops whatever part of the group did reach the disk).
 */
final class LogWriter implements AutoCloseable {
    private static final int MAX_REQUESTS_PER_GROUP = 4096;

    /** An event signed and hashed by the appender's thread. */
    record Prepared(LedgerEvent event, byte[] entryBytes, byte[] leafHash, String keyId) {}

    /** Where the writer publishes: the ledger's durable size and checkpoint, and stored entries for idempotency. */
    interface Sink {
        void publish(long size, SignedCheckpoint checkpoint);

        LedgerEntry stored(long seq);
    }

    private record Request(List<Prepared> items, CompletableFuture<List<LedgerEntry>> done) {}

    private static final Request STOP = new Request(List.of(), new CompletableFuture<>());

    private final Path dir;
    private final FileChannel ch;
    private final MerkleTree tree;
    private final LedgerIndex index;
    private final String origin;
    private final Sink sink;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile SigningKey key;
    private volatile IOException failure;
    private volatile boolean closed;
    private long end;

    LogWriter(Path dir, FileChannel ch, long end, MerkleTree tree, LedgerIndex index, String origin, SigningKey key, Sink sink) {
        this.dir = dir;
        this.ch = ch;
        this.end = end;
        this.tree = tree;
        this.index = index;
        this.origin = origin;
        this.key = key;
        this.sink = sink;
        this.thread = new Thread(this::run, "veil-ledger-writer");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Writes the frames of a new log (header, key) or of a key rotation as one committed group. Before {@link #start}. */
    void writeGroupNow(List<byte[]> frames) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        frames.forEach(buf::writeBytes);
        commit(buf);
    }

    static Prepared prepare(LedgerEvent e, SigningKey key) {
        byte[] bytes = io.veil.ledger.SignedEntries.encode(e, key);
        if (bytes.length > LogFormat.MAX_PAYLOAD) {
            throw new IllegalArgumentException("event " + e.eventId() + " encodes to " + bytes.length + " bytes; the limit is " + LogFormat.MAX_PAYLOAD);
        }
        return new Prepared(e, bytes, io.veil.ledger.MerkleProofs.leafHash(key.suite(), bytes), key.verifyingKey().keyId());
    }

    SigningKey key() {
        return key;
    }

    synchronized CompletableFuture<List<LedgerEntry>> submit(List<Prepared> items) {
        IOException f = failure;
        if (f != null) {
            throw new UncheckedIOException("ledger refused the append after an earlier I/O error; reopen it", f);
        }
        if (closed) {
            throw new IllegalStateException("ledger is closed");
        }
        Request r = new Request(items, new CompletableFuture<>());
        queue.add(r);
        return r.done();
    }

    private void run() {
        List<Request> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            queue.drainTo(batch, MAX_REQUESTS_PER_GROUP);
            boolean stop = batch.remove(STOP);
            processGuarded(batch);
            batch.clear();
            if (stop) {
                return; // close() adds STOP last, under the same lock as submit: nothing follows it
            }
        }
    }

    /** Never lets an unexpected error kill the writer with appenders still waiting. */
    private void processGuarded(List<Request> batch) {
        try {
            process(batch);
        } catch (RuntimeException | Error e) {
            failure = new IOException("ledger writer failed unexpectedly", e);
            batch.forEach(r -> r.done().completeExceptionally(new UncheckedIOException(failure)));
        }
    }

    private void process(List<Request> batch) {
        if (batch.isEmpty()) {
            return;
        }
        if (failure != null) {
            batch.forEach(r -> r.done().completeExceptionally(new UncheckedIOException("ledger write failed earlier", failure)));
            return;
        }
        Map<String, LedgerEntry> inGroup = new HashMap<>();
        List<LedgerEntry> fresh = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        List<List<LedgerEntry>> results = new ArrayList<>();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        for (Request r : batch) {
            List<LedgerEntry> out;
            try {
                out = resolve(r.items(), inGroup);
            } catch (RuntimeException e) { // a reused event id, or a stored entry that no longer reads back
                r.done().completeExceptionally(e);
                results.add(null);
                continue;
            }
            for (int i = 0; i < out.size(); i++) {
                Prepared p = r.items().get(i);
                LedgerEntry e = out.get(i) != null ? out.get(i) : inGroup.get(p.event().eventId());
                if (e == null) {
                    e = new LedgerEntry(tree.size(), p.event(), p.entryBytes(), p.leafHash(), p.keyId());
                    offsets.add(end + buf.size());
                    buf.writeBytes(LogFormat.frame(LogFormat.ENTRY, e.seq(), p.entryBytes()));
                    tree.append(p.leafHash());
                    inGroup.put(p.event().eventId(), e);
                    fresh.add(e);
                }
                out.set(i, e);
            }
            results.add(out);
        }
        try {
            if (!fresh.isEmpty()) {
                for (int i = 0; i < fresh.size(); i++) {
                    index.add(fresh.get(i).seq(), offsets.get(i), LedgerIndex.Summary.of(fresh.get(i).event()));
                }
                commit(buf);
            }
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException io ? io : new IOException(e);
            batch.forEach(r -> r.done().completeExceptionally(new UncheckedIOException("ledger write failed", failure)));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            if (results.get(i) != null) {
                batch.get(i).done().complete(List.copyOf(results.get(i)));
            }
        }
    }

    /**
     * Idempotency for one request, all-or-nothing: for each item the stored entry with its event id
     * (null if the id is new); an id reused for a different event fails the whole request.
     */
    private List<LedgerEntry> resolve(List<Prepared> items, Map<String, LedgerEntry> inGroup) {
        List<LedgerEntry> out = new ArrayList<>(items.size());
        Map<String, LedgerEvent> inRequest = new HashMap<>();
        for (Prepared p : items) {
            String id = p.event().eventId();
            LedgerEntry existing = inGroup.get(id);
            if (existing == null) {
                Long seq = index.seqOf(id);
                existing = seq == null ? null : sink.stored(seq);
            }
            LedgerEvent earlier = existing != null ? existing.event() : inRequest.get(id);
            if (earlier != null && !earlier.equals(p.event())) {
                throw new IllegalArgumentException("eventId " + id + " is already used for a different event"
                        + (existing != null ? " (seq " + existing.seq() + ")" : " in the same request"));
            }
            out.add(existing);
            inRequest.put(id, p.event());
        }
        return out;
    }

    /** Appends the COMMIT frame, writes and fsyncs the group, re-signs the checkpoint, publishes. */
    private void commit(ByteArrayOutputStream buf) throws IOException {
        long size = tree.size();
        byte[] root = tree.root(size);
        buf.writeBytes(LogFormat.frame(LogFormat.COMMIT, size, root));
        ByteBuffer b = ByteBuffer.wrap(buf.toByteArray());
        long pos = end;
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
        ch.force(false);
        end = pos;
        SignedCheckpoint cp = SignedCheckpoint.sign(origin, size, root, key);
        CheckpointFile.write(dir, cp);
        sink.publish(size, cp);
    }

    /** Signs checkpoints with {@code newKey} from the next group on (the KEY frame is written by the caller). */
    void useKey(SigningKey newKey) {
        this.key = newKey;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(STOP);
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
