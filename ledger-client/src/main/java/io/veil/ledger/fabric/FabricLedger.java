package io.veil.ledger.fabric;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.veil.crypto.SigningKey;
import io.veil.crypto.Suite;
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
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.hyperledger.fabric.client.ChaincodeEvent;
import org.hyperledger.fabric.client.Checkpointer;
import org.hyperledger.fabric.client.CloseableIterator;
import org.hyperledger.fabric.client.Contract;
import org.hyperledger.fabric.client.EndorseException;
import org.hyperledger.fabric.client.Gateway;
import org.hyperledger.fabric.client.GatewayException;
import org.hyperledger.fabric.client.Network;
import org.hyperledger.fabric.client.Status;
import org.hyperledger.fabric.client.SubmitException;
import org.hyperledger.fabric.client.SubmittedTransaction;
import org.hyperledger.fabric.client.identity.Identities;
import org.hyperledger.fabric.client.identity.Signers;
import org.hyperledger.fabric.client.identity.X509Identity;
import org.hyperledger.fabric.protos.gateway.ErrorDetail;
import org.hyperledger.fabric.protos.peer.TxValidationCode;

/**
 * The zone's ledger on Hyperledger Fabric, through the Fabric Gateway client. One Veil log (named by
 * the checkpoint origin, e.g. {@code veil/zone-a}) lives in the {@code veil-ledger} chaincode's
 * world state; the chaincode assigns gapless sequence numbers, so every endorsing peer agrees on
 * them, and the channel's endorsement policy makes both zone organisations sign every append.
 *
 * <p>Differences from the embedded ledger, all documented in docs/fabric.md:
 * <ul>
 *   <li>Merkle inclusion and consistency proofs answer {@link LedgerResult.Reason#UNSUPPORTED}; the
 *       Fabric-native evidence is {@link #receipt(long)}: transaction id, block number and the block
 *       header hash chain ({@link FabricReceipts}).</li>
 *   <li>Checkpoints carry the RFC 9162 root over the entries read back from Fabric, signed by the
 *       zone, so they can be compared with an audit bundle's; the Fabric block height at that time is
 *       available from {@link #receipt(long)} of the last entry.</li>
 *   <li>Appends are durable when Fabric reports the transaction committed and valid. Concurrent
 *       appends are batched into one transaction (a single writer thread), because the log's size
 *       counter would make parallel transactions on one log fail with MVCC_READ_CONFLICT.</li>
 *   <li>A failed call does not poison the instance: the state is on the ledger, appends are
 *       idempotent on event id, so the caller simply retries.</li>
 * </ul>
 */
public final class FabricLedger implements Ledger {
    /** Entries per transaction; the chaincode accepts up to 1000. */
    static final int MAX_BATCH = 500;
    private static final int MAX_CONFLICT_RETRIES = 50;
    private static final int DISCOVERY_RETRIES = 30;
    private static final int MISMATCH_RETRIES = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FabricSettings settings;
    private final String log;
    private final SigningKey zoneKey;
    private final Suite suite;
    private final ManagedChannel grpc;
    private final Gateway gateway;
    private final Network network;
    private final Contract contract;
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;
    /** Leaf hashes of entries 0..n-1 as read back (and verified) from Fabric; grows monotonically. */
    private final List<byte[]> leaves = new ArrayList<>();
    private SignedCheckpoint lastCheckpoint;

    private record Request(List<LedgerEvent> events, List<String> entries, CompletableFuture<List<LedgerEntry>> done) {}

    private FabricLedger(FabricSettings settings, String log, SigningKey zoneKey) {
        if (log == null || log.isEmpty() || log.contains("\n") || log.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("origin must be one non-empty line without control characters");
        }
        this.settings = settings;
        this.log = log;
        this.zoneKey = zoneKey;
        this.suite = zoneKey.verifyingKey().suite();
        this.grpc = channel(settings);
        try {
            X509Certificate cert;
            PrivateKey key;
            try (Reader certIn = Files.newBufferedReader(settings.certPath()); Reader keyIn = Files.newBufferedReader(settings.keyFile())) {
                cert = Identities.readX509Certificate(certIn);
                key = Identities.readPrivateKey(keyIn);
            }
            this.gateway = Gateway.newInstance()
                    .identity(new X509Identity(settings.mspId(), cert))
                    .signer(Signers.newPrivateKeySigner(key))
                    .connection(grpc)
                    .evaluateOptions(o -> o.withDeadlineAfter(15, TimeUnit.SECONDS))
                    .endorseOptions(o -> o.withDeadlineAfter(30, TimeUnit.SECONDS))
                    .submitOptions(o -> o.withDeadlineAfter(15, TimeUnit.SECONDS))
                    .commitStatusOptions(o -> o.withDeadlineAfter(60, TimeUnit.SECONDS))
                    .connect();
        } catch (IOException e) {
            grpc.shutdownNow();
            throw new UncheckedIOException("cannot read the Fabric identity for " + settings.mspId(), e);
        } catch (CertificateException | java.security.InvalidKeyException e) {
            grpc.shutdownNow();
            throw new IllegalArgumentException("unusable Fabric identity for " + settings.mspId() + ": " + e.getClass().getSimpleName(), e);
        }
        this.network = gateway.getNetwork(settings.channel());
        this.contract = network.getContract(settings.chaincode());
        this.writer = new Thread(this::writeLoop, "fabric-ledger-writer-" + log);
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Connects to the network and checks that Veil's chaincode answers.
     *
     * @param origin  the log's name and the checkpoint origin, e.g. {@code veil/zone-a}
     * @param zoneKey the zone's signing key: entries and checkpoints are signed with it
     * @throws FabricUnavailableException if the peer or the chaincode does not answer
     */
    public static FabricLedger connect(FabricSettings settings, String origin, SigningKey zoneKey) {
        FabricLedger l = new FabricLedger(settings, origin, zoneKey);
        try {
            String pong = new String(l.contract.evaluateTransaction("Ping"), StandardCharsets.UTF_8);
            if (!"pong".equals(pong)) {
                throw new FabricUnavailableException("chaincode " + settings.chaincode() + " answered Ping with something else", null);
            }
        } catch (GatewayException e) {
            l.close();
            throw new FabricUnavailableException("Fabric network not reachable through " + settings + ": " + describe(e), e);
        } catch (RuntimeException e) {
            l.close();
            throw e;
        }
        return l;
    }

    private static ManagedChannel channel(FabricSettings s) {
        ChannelCredentials tls;
        try {
            tls = TlsChannelCredentials.newBuilder().trustManager(s.tlsCaCert().toFile()).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read TLS CA " + s.tlsCaCert(), e);
        }
        var b = Grpc.newChannelBuilder(s.peerEndpoint(), tls);
        if (s.tlsAuthority() != null && !s.tlsAuthority().isBlank()) {
            b.overrideAuthority(s.tlsAuthority());
        }
        return b.build();
    }

    public String origin() {
        return log;
    }

    public FabricSettings settings() {
        return settings;
    }

    /** The Gateway contract, for callers that need raw proposals (tests of endorsement rules). */
    Contract contract() {
        return contract;
    }

    // --- appends -------------------------------------------------------------------------------

    @Override
    public LedgerEntry append(LedgerEvent event) {
        return appendAll(List.of(event)).get(0);
    }

    @Override
    public List<LedgerEntry> appendAll(List<LedgerEvent> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        if (events.size() > MAX_BATCH) {
            List<LedgerEntry> out = new ArrayList<>(events.size());
            // Larger lists are split; each part is all-or-nothing on its own (documented difference).
            for (int i = 0; i < events.size(); i += MAX_BATCH) {
                out.addAll(appendAll(events.subList(i, Math.min(events.size(), i + MAX_BATCH))));
            }
            return out;
        }
        List<String> entries = new ArrayList<>(events.size());
        for (LedgerEvent e : events) {
            entries.add(new String(SignedEntries.encode(e, zoneKey), StandardCharsets.UTF_8));
        }
        Request r = new Request(List.copyOf(events), entries, new CompletableFuture<>());
        if (closed) {
            throw new IllegalStateException("ledger is closed");
        }
        queue.add(r);
        if (closed && !writer.isAlive() && queue.remove(r)) {
            throw new IllegalStateException("ledger is closed"); // closed while we queued; the writer has gone
        }
        try {
            return r.done().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                re.addSuppressed(new Exception("append called here"));
                throw re;
            }
            throw e;
        }
    }

    /** Group commit: everything queued while a transaction is in flight goes into the next one. */
    private void writeLoop() {
        while (!closed || !queue.isEmpty()) {
            Request first;
            try {
                first = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (first == null) {
                continue;
            }
            List<Request> batch = new ArrayList<>();
            batch.add(first);
            int n = first.entries().size();
            Request next;
            while ((next = queue.peek()) != null && n + next.entries().size() <= MAX_BATCH) {
                batch.add(queue.poll());
                n += next.entries().size();
            }
            try {
                submitBatch(batch);
            } catch (RuntimeException e) {
                batch.forEach(r -> r.done().completeExceptionally(e));
            }
        }
        Request left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new IllegalStateException("ledger closed"));
        }
    }

    private void submitBatch(List<Request> batch) {
        List<String> all = new ArrayList<>();
        batch.forEach(r -> all.addAll(r.entries()));
        List<long[]> results;
        try {
            results = submit(all);
        } catch (IllegalArgumentException rejected) {
            if (batch.size() == 1) {
                throw rejected;
            }
            // One request spoiled the shared transaction: give each its own, so only it fails.
            for (Request r : batch) {
                try {
                    complete(r, submit(r.entries()));
                } catch (RuntimeException e) {
                    r.done().completeExceptionally(e);
                }
            }
            return;
        }
        int at = 0;
        for (Request r : batch) {
            complete(r, results.subList(at, at + r.entries().size()));
            at += r.entries().size();
        }
    }

    private void complete(Request r, List<long[]> seqs) {
        List<LedgerEntry> out = new ArrayList<>(seqs.size());
        for (int i = 0; i < seqs.size(); i++) {
            long seq = seqs.get(i)[0];
            boolean created = seqs.get(i)[1] == 1;
            if (created) {
                byte[] bytes = r.entries().get(i).getBytes(StandardCharsets.UTF_8);
                out.add(new LedgerEntry(seq, r.events().get(i), bytes, MerkleProofs.leafHash(suite, bytes), zoneKey.verifyingKey().keyId()));
            } else {
                // Already on the ledger (a retry): answer what is stored, which may carry another signature.
                out.add(read(seq).orElseThrow(() -> new IllegalStateException("entry " + seq + " vanished")));
            }
        }
        r.done().complete(out);
    }

    /** One Append transaction; returns [seq, created?1:0] per entry once committed and valid. */
    private List<long[]> submit(List<String> entries) {
        ArrayNode arr = JSON.createArrayNode();
        entries.forEach(arr::add);
        return parseSeqs(transact("Append", log, arr.toString()), entries.size());
    }

    /**
     * Endorses (by the orgs the policy needs), orders and waits for a valid commit; returns the
     * chaincode's answer. Retries what is transient and safe to repeat (nothing was written, and
     * every write function is idempotent or write-once). A chaincode refusal is an
     * IllegalArgumentException carrying its code.
     */
    private byte[] transact(String function, String... args) {
        int mismatches = 0;
        int unavailable = 0;
        int conflicts = 0;
        while (true) {
            byte[] result;
            Status status;
            try {
                SubmittedTransaction tx = contract.newProposal(function).addArguments(args).build().endorse().submitAsync();
                result = tx.getResult();
                status = tx.getStatus();
            } catch (EndorseException e) {
                String why = describe(e);
                if (why.contains("ProposalResponsePayloads do not match") && mismatches++ < MISMATCH_RETRIES) {
                    // The other zone's peer has not committed our previous block yet, so it computed
                    // another answer: the gateway saw different results. Wait for it to catch up.
                    sleep(50L * Math.min(mismatches, 10));
                    continue;
                }
                if (why.contains("no combination of peers can be derived") && unavailable++ < DISCOVERY_RETRIES) {
                    // Right after a peer (re)starts, discovery may not yet know the other zone's peer.
                    sleep(1000);
                    continue;
                }
                for (String code : List.of("EVENT_EXISTS", "AGREEMENT_EXISTS", "NOT_LOG_OWNER")) {
                    if (why.contains(code)) {
                        throw new IllegalArgumentException(chaincodeMessage(why, code), e);
                    }
                }
                if (why.matches("(?s).*(MALFORMED_JSON|NOT_CANONICAL|MISSING_SIGNATURE|BAD_ARGUMENT).*")) {
                    throw new IllegalArgumentException("chaincode refused " + function + ": " + why, e);
                }
                throw new FabricUnavailableException("endorsement failed: " + why, e);
            } catch (SubmitException e) {
                if (e.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE && unavailable++ < DISCOVERY_RETRIES) {
                    // Not ordered (e.g. the Raft leader is being elected after a restart): nothing was
                    // written, so endorse and submit again.
                    sleep(1000);
                    continue;
                }
                throw new FabricUnavailableException("submit failed: " + describe(e), e);
            } catch (GatewayException e) {
                throw new FabricUnavailableException("submit failed: " + describe(e), e);
            }
            if (status.isSuccessful()) {
                return result;
            }
            if (status.getCode() == TxValidationCode.MVCC_READ_CONFLICT && conflicts++ < MAX_CONFLICT_RETRIES) {
                // Another writer changed what we read (e.g. the log size) in the same block: endorse
                // again, after a random pause so two writers do not keep colliding in lockstep.
                sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(10, 60));
                continue;
            }
            throw new FabricUnavailableException("transaction " + status.getTransactionId() + " was not committed: " + status.getCode(), null);
        }
    }

    // --- contract agreements -------------------------------------------------------------------

    /** A contract agreement as recorded on the channel, with the transaction that wrote it. */
    public record Agreement(String contractId, String canonicalJson, byte[] providerSignature, byte[] consumerSignature,
                            String txId, String submitterMsp) {
        public Agreement {
            providerSignature = providerSignature.clone();
            consumerSignature = consumerSignature.clone();
        }

        @Override public byte[] providerSignature() { return providerSignature.clone(); }

        @Override public byte[] consumerSignature() { return consumerSignature.clone(); }
    }

    /**
     * Records an agreement signed by both parties (RFC 8785 canonical JSON, as the policy module
     * produces it), endorsed by both zone orgs. Write-once: a second agreement for the contract id
     * is an IllegalArgumentException ({@code AGREEMENT_EXISTS}). Signatures are stored, not verified,
     * on the channel; readers verify them with the parties' keys.
     *
     * @return the Fabric transaction id
     */
    public String putAgreement(String contractId, String canonicalJson, byte[] providerSignature, byte[] consumerSignature) {
        Base64.Encoder b64 = Base64.getEncoder();
        transact("PutAgreement", contractId, canonicalJson, b64.encodeToString(providerSignature), b64.encodeToString(consumerSignature));
        return agreement(contractId).orElseThrow(() -> new IllegalStateException("agreement " + contractId + " committed but not found")).txId();
    }

    public Optional<Agreement> agreement(String contractId) {
        byte[] record;
        try {
            record = contract.evaluateTransaction("GetAgreement", contractId);
        } catch (GatewayException e) {
            if (describe(e).contains("NOT_FOUND")) {
                return Optional.empty();
            }
            throw new FabricUnavailableException("agreement lookup failed: " + describe(e), e);
        }
        try {
            JsonNode r = JSON.readTree(record);
            Base64.Decoder d = Base64.getDecoder();
            return Optional.of(new Agreement(r.get("contractId").asText(), r.get("agreement").asText(),
                    d.decode(r.get("providerSignature").asText()), d.decode(r.get("consumerSignature").asText()),
                    r.get("txId").asText(), r.get("submitterMsp").asText()));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("unreadable agreement record for " + contractId, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FabricUnavailableException("interrupted while waiting for service discovery", e);
        }
    }

    private static List<long[]> parseSeqs(byte[] result, int expected) {
        try {
            JsonNode arr = JSON.readTree(result);
            List<long[]> out = new ArrayList<>(expected);
            for (JsonNode n : arr) {
                out.add(new long[] {n.get("seq").asLong(), n.get("created").asBoolean() ? 1 : 0});
            }
            if (out.size() != expected) {
                throw new IllegalStateException("chaincode answered " + out.size() + " seqs for " + expected + " entries");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("unreadable Append result", e);
        }
    }

    // --- reads ---------------------------------------------------------------------------------

    @Override
    public Optional<LedgerEntry> read(long seq) {
        if (seq < 0) {
            return Optional.empty();
        }
        byte[] record;
        try {
            record = contract.evaluateTransaction("Get", log, Long.toString(seq));
        } catch (GatewayException e) {
            if (describe(e).contains("NOT_FOUND")) {
                return Optional.empty();
            }
            throw new FabricUnavailableException("read " + seq + " failed: " + describe(e), e);
        }
        try {
            return Optional.of(entry(JSON.readTree(record), seq));
        } catch (IOException e) {
            throw new LedgerTamperedException(LedgerTamperedException.Kind.CORRUPT, seq, "unreadable record for entry " + seq);
        }
    }

    /** Builds and checks an entry from a chaincode record {@code {"seq","entry","txId",...}}. */
    private LedgerEntry entry(JsonNode record, long expectedSeq) {
        long seq = record.path("seq").asLong(-1);
        if (seq != expectedSeq || !record.path("entry").isTextual()) {
            throw new LedgerTamperedException(LedgerTamperedException.Kind.CORRUPT, expectedSeq, "record for entry " + expectedSeq + " is malformed");
        }
        byte[] bytes = record.get("entry").textValue().getBytes(StandardCharsets.UTF_8);
        SignedEntries.Decoded d;
        try {
            d = SignedEntries.decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new LedgerTamperedException(LedgerTamperedException.Kind.CORRUPT, seq, "entry " + seq + " does not decode: " + e.getMessage());
        }
        if (d.keyId().equals(zoneKey.verifyingKey().keyId()) && !d.verify(zoneKey.verifyingKey())) {
            throw new LedgerTamperedException(LedgerTamperedException.Kind.BAD_SIGNATURE, seq, "entry " + seq + " is not signed by the zone key it names");
        }
        return new LedgerEntry(seq, d.event(), bytes, MerkleProofs.leafHash(suite, bytes), d.keyId());
    }

    /** Records with seq &gt; after from one chaincode index; {@code more} tells whether the index goes on. */
    private record Scan(List<JsonNode> records, boolean more) {}

    private Scan scan(String index, String k1, String k2, long after, int limit) {
        byte[] out;
        try {
            out = contract.evaluateTransaction("Scan", log, index, k1, k2, Long.toString(after), Integer.toString(limit));
        } catch (GatewayException e) {
            throw new FabricUnavailableException("query failed: " + describe(e), e);
        }
        try {
            JsonNode n = JSON.readTree(out);
            List<JsonNode> records = new ArrayList<>();
            n.get("records").forEach(records::add);
            return new Scan(records, n.get("more").asBoolean());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("unreadable Scan result", e);
        }
    }

    @Override
    public LedgerPage query(LedgerQuery q) {
        String index;
        String k1 = "";
        String k2 = "";
        if (q.subjectKind() != null) {
            index = "subject";
            k1 = q.subjectKind();
            k2 = q.subjectId();
        } else if (q.types().size() == 1) {
            index = "type";
            k1 = q.types().iterator().next().wireName();
        } else {
            index = "all";
        }
        // The index narrows by subject or type; the rest of the query (types, window) filters here.
        List<LedgerEntry> found = new ArrayList<>();
        boolean hasMore = false;
        long cursor = q.afterSeq();
        while (true) {
            Scan s = scan(index, k1, k2, cursor, LedgerQuery.MAX_LIMIT);
            for (JsonNode r : s.records()) {
                LedgerEntry e = entry(r, r.path("seq").asLong(-1));
                cursor = e.seq();
                if (q.matches(e.seq(), e.event())) {
                    if (found.size() == q.limit()) {
                        hasMore = true;
                        break;
                    }
                    found.add(e);
                }
            }
            if (hasMore || !s.more()) {
                break;
            }
        }
        long next = found.isEmpty() ? q.afterSeq() : found.get(found.size() - 1).seq();
        return new LedgerPage(found, hasMore, next);
    }

    @Override
    public long size() {
        try {
            return Long.parseLong(new String(contract.evaluateTransaction("Size", log), StandardCharsets.UTF_8));
        } catch (GatewayException e) {
            throw new FabricUnavailableException("size failed: " + describe(e), e);
        }
    }

    // --- checkpoints and proofs ----------------------------------------------------------------

    /**
     * Signs the RFC 9162 root over every committed entry, read back from Fabric and verified. The
     * leaf hashes are cached, so each call reads only entries added since the last one.
     */
    @Override
    public synchronized SignedCheckpoint checkpoint() {
        long size = size();
        while (leaves.size() < size) {
            Scan s = scan("all", "", "", leaves.size() - 1L, LedgerQuery.MAX_LIMIT);
            if (s.records().isEmpty()) {
                break;
            }
            for (JsonNode r : s.records()) {
                LedgerEntry e = entry(r, leaves.size());
                leaves.add(e.leafHash());
            }
        }
        long treeSize = leaves.size();
        if (lastCheckpoint == null || lastCheckpoint.treeSize() != treeSize) {
            lastCheckpoint = SignedCheckpoint.sign(log, treeSize, root(treeSize), zoneKey);
        }
        return lastCheckpoint;
    }

    private byte[] root(long n) {
        return n == 0 ? MerkleProofs.emptyRoot(suite) : mth(suite.newDigest(), 0, (int) n);
    }

    private byte[] mth(MessageDigest md, int lo, int hi) {
        if (hi - lo == 1) {
            return leaves.get(lo);
        }
        int k = Integer.highestOneBit(hi - lo - 1);
        byte[] left = mth(md, lo, lo + k);
        byte[] right = mth(md, lo + k, hi);
        return MerkleProofs.nodeHash(md, left, right);
    }

    @Override
    public LedgerResult<InclusionProof> inclusionProof(long seq, long treeSize) {
        return LedgerResult.failure(LedgerResult.Reason.UNSUPPORTED,
                "the Fabric backend keeps no Merkle tree; use FabricLedger.receipt(seq) (transaction id, block number, block hash chain)");
    }

    @Override
    public LedgerResult<ConsistencyProof> consistencyProof(long fromSize, long toSize) {
        return LedgerResult.failure(LedgerResult.Reason.UNSUPPORTED,
                "the Fabric backend keeps no Merkle tree; Fabric's block hash chain links later blocks to earlier ones (FabricReceipts.verifyChain)");
    }

    /**
     * Fabric's evidence that entry {@code seq} is on the ledger: the transaction that wrote it, the
     * block holding that transaction, and the block's header hash, checked against the block's data.
     */
    public Optional<FabricReceipts.Receipt> receipt(long seq) {
        byte[] record;
        try {
            record = contract.evaluateTransaction("Get", log, Long.toString(seq));
        } catch (GatewayException e) {
            if (describe(e).contains("NOT_FOUND")) {
                return Optional.empty();
            }
            throw new FabricUnavailableException("read " + seq + " failed: " + describe(e), e);
        }
        String txId;
        try {
            txId = JSON.readTree(record).path("txId").asText();
        } catch (IOException e) {
            throw new IllegalStateException("unreadable record", e);
        }
        return Optional.of(receipts().forTransaction(txId));
    }

    /** Block-level queries (system chaincode qscc) on this channel. */
    public FabricReceipts receipts() {
        return new FabricReceipts(network.getContract("qscc"), settings.channel());
    }

    // --- events --------------------------------------------------------------------------------

    /** A running listener; close to stop it. */
    public interface Listener extends AutoCloseable {
        /** Why delivery stopped early (the consumer or a read threw, or the event stream failed), if it did. */
        Optional<Throwable> failure();

        @Override
        void close();
    }

    /**
     * Delivers this log's new entries, in order, as Fabric commits them, resuming after the last
     * transaction the checkpointer recorded (from the first block when it recorded none). The
     * checkpointer advances only after the consumer returned for every entry of a transaction, so
     * after a crash a transaction's entries may be delivered again, never skipped.
     */
    public Listener listen(Checkpointer checkpointer, Consumer<LedgerEntry> consumer) {
        var request = network.newChaincodeEventsRequest(settings.chaincode()).checkpoint(checkpointer);
        if (checkpointer.getBlockNumber().isEmpty()) {
            request.startBlock(0);
        }
        CloseableIterator<ChaincodeEvent> events = request.build().getEvents();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                while (events.hasNext()) {
                    ChaincodeEvent ev = events.next();
                    JsonNode p = ev.getEventName().equals("VeilEntries") ? JSON.readTree(ev.getPayload()) : null;
                    if (p != null && log.equals(p.path("log").asText())) {
                        for (long seq = p.get("from").asLong(); seq < p.get("to").asLong(); seq++) {
                            long s = seq;
                            consumer.accept(read(seq).orElseThrow(() -> new IllegalStateException("entry " + s + " announced but not found")));
                        }
                    }
                    checkpointer.checkpointChaincodeEvent(ev);
                }
            } catch (IOException | RuntimeException e) {
                failure.compareAndSet(null, e); // a closed stream also ends here; close() ignores that
            }
        }, "fabric-ledger-events-" + log);
        t.setDaemon(true);
        t.start();
        return new Listener() {
            private volatile boolean stopped;

            @Override
            public Optional<Throwable> failure() {
                return stopped ? Optional.empty() : Optional.ofNullable(failure.get());
            }

            @Override
            public void close() {
                stopped = true;
                events.close();
                try {
                    t.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    // --- plumbing ------------------------------------------------------------------------------

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writer.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        gateway.close();
        grpc.shutdownNow();
        try {
            grpc.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The gateway's error plus every peer's own message (the chaincode's "CODE: detail" is in there). */
    static String describe(GatewayException e) {
        StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()));
        for (ErrorDetail d : e.getDetails()) {
            b.append(" [").append(d.getMspId()).append('@').append(d.getAddress()).append(": ").append(d.getMessage()).append(']');
        }
        return b.toString();
    }

    private static String chaincodeMessage(String described, String code) {
        int at = described.indexOf(code);
        int end = described.indexOf(']', at);
        return described.substring(at, end < 0 ? described.length() : end);
    }
}
