package io.veil.ledger.fabric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.crypto.SigningKey;
import io.veil.crypto.Suite;
import io.veil.ledger.EventType;
import io.veil.ledger.LedgerEntry;
import io.veil.ledger.LedgerEvent;
import io.veil.ledger.LedgerQuery;
import io.veil.ledger.SignedCheckpoint;
import io.veil.ledger.SignedEntries;
import io.veil.ledger.embedded.EmbeddedLedger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.client.EndorseException;
import org.hyperledger.fabric.client.FileCheckpointer;
import org.hyperledger.fabric.client.Status;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only a real Fabric network shows: both orgs' peers, the endorsement policy, restarts, events. */
@Tag("fabric")
class FabricNetworkTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SigningKey key = SigningKey.generate(Suite.INTL);
    @TempDir
    Path tmp;

    private static LedgerEvent event(String id, EventType type) {
        return new LedgerEvent(id, type, "zone-a", Instant.parse("2026-01-01T00:00:00Z"), Map.of("dataset", "ds-1", "providerOrg", "org-p"),
                Map.of("rows", 42L));
    }

    private String appendPayload(LedgerEvent e) {
        return JSON.createArrayNode().add(new String(SignedEntries.encode(e, key), StandardCharsets.UTF_8)).toString();
    }

    @Test
    void appendedEventsAreCommittedAndQueryableThroughTheOtherZonesPeer() throws Exception {
        String origin = "veil/test-" + UUID.randomUUID();
        try (FabricLedger pub = FabricTestNetwork.connect("public", origin, key);
             FabricLedger social = FabricTestNetwork.connect("social", origin, key)) {
            List<LedgerEntry> written = pub.appendAll(List.of(event("a", EventType.DATASET_REGISTERED), event("b", EventType.OFFER_PUBLISHED)));
            assertThat(written).extracting(LedgerEntry::seq).containsExactly(0L, 1L);
            // Read through SocialZone's peer as SocialZone's user: the entries were committed on both
            // (each peer commits the block on its own schedule, hence the wait).
            awaitSize(social, 2);
            assertThat(social.read(0)).contains(written.get(0));
            assertThat(social.query(LedgerQuery.subject("org", "org-p")).entries()).containsExactlyElementsOf(written);
            assertThat(social.checkpoint().rootHash()).isEqualTo(pub.checkpoint().rootHash());

            FabricReceipts.Receipt r = pub.receipt(1).orElseThrow();
            assertThat(r.blockNumber()).isPositive();
            assertThat(r.txId()).isNotBlank();
            assertThat(pub.receipts().verifyChain(r.blockNumber())).isPositive();
            assertThat(social.receipt(1)).contains(r);
            assertThat(pub.receipt(2)).isEmpty();
        }
    }

    @Test
    void aTransactionEndorsedByOnlyOneZoneIsRejectedAtCommit() throws Exception {
        try (FabricLedger l = FabricTestNetwork.freshLedger("public", key)) {
            LedgerEvent e = event("one-org", EventType.CONTRACT_AGREED);
            var tx = l.contract().newProposal("Append").addArguments(l.origin(), appendPayload(e))
                    .setEndorsingOrganizations("PublicZoneMSP").build().endorse().submitAsync();
            Status status = tx.getStatus();
            assertThat(status.isSuccessful()).isFalse();
            assertThat(status.getCode()).isEqualTo(TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
            assertThat(l.size()).isZero();
            assertThat(l.read(0)).isEmpty();
            // Endorsed by both (the gateway's plan from the policy), the same event commits.
            assertThat(l.append(e).seq()).isZero();
            assertThat(l.size()).isEqualTo(1);
        }
    }

    @Test
    void theChaincodeRefusesAnOverwrite() throws Exception {
        try (FabricLedger l = FabricTestNetwork.freshLedger("public", key)) {
            LedgerEntry original = l.append(event("x", EventType.JOB_SUBMITTED));
            try (FabricLedger social = FabricTestNetwork.connect("social", l.origin(), key)) {
                awaitSize(social, 1); // both endorsers must know the stored event for a consistent answer
            }
            LedgerEvent other = event("x", EventType.JOB_FAILED);
            assertThatThrownBy(() -> l.contract().submitTransaction("Append", l.origin(), appendPayload(other)))
                    .isInstanceOf(EndorseException.class)
                    .satisfies(t -> assertThat(FabricLedger.describe((EndorseException) t)).contains("EVENT_EXISTS"));
            assertThatThrownBy(() -> l.append(other)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x");
            assertThat(l.size()).isEqualTo(1);
            assertThat(l.read(0)).contains(original);
            // Not even a byte-identical resubmission writes anything: it answers the stored seq.
            byte[] again = l.contract().submitTransaction("Append", l.origin(), appendPayload(event("x", EventType.JOB_SUBMITTED)));
            assertThat(new String(again, StandardCharsets.UTF_8)).isEqualTo("[{\"seq\":0,\"created\":false}]");
            assertThat(l.size()).isEqualTo(1);
        }
    }

    @Test
    void checkpointsMatchTheEmbeddedLedgerForTheSameEntries() throws Exception {
        List<LedgerEvent> events = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            events.add(event("m" + i, i % 2 == 0 ? EventType.JOB_SUBMITTED : EventType.JOB_EXECUTED));
        }
        try (FabricLedger fabric = FabricTestNetwork.freshLedger("public", key);
             EmbeddedLedger embedded = EmbeddedLedger.open(tmp.resolve("embedded"), fabric.origin(), Suite.INTL, key)) {
            assertThat(fabric.appendAll(events)).isEqualTo(embedded.appendAll(events));
            assertThat(fabric.checkpoint()).isEqualTo(embedded.checkpoint());
        }
    }

    @Test
    void twoWritersOnOneLogGetDistinctGaplessSeqs() throws Exception {
        String origin = "veil/test-" + UUID.randomUUID();
        try (FabricLedger a = FabricTestNetwork.connect("public", origin, key);
             FabricLedger b = FabricTestNetwork.connect("public", origin, key)) {
            // Two instances (e.g. two gateway replicas of one zone) race on the log's size counter;
            // conflicts are invalidated by Fabric (MVCC) and re-endorsed, never double-assigned.
            var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                var fa = pool.submit(() -> { for (int i = 0; i < 15; i++) { a.append(event("wa" + i, EventType.JOB_RUNNING)); } return null; });
                var fb = pool.submit(() -> { for (int i = 0; i < 15; i++) { b.append(event("wb" + i, EventType.JOB_RUNNING)); } return null; });
                fa.get();
                fb.get();
            } finally {
                pool.shutdownNow();
            }
            assertThat(a.size()).isEqualTo(30);
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (long seq = 0; seq < 30; seq++) {
                ids.add(a.read(seq).orElseThrow().event().eventId());
            }
            assertThat(ids).hasSize(30);
        }
    }

    @Test
    void aZoneCannotAppendToAnotherZonesLog() throws Exception {
        try (FabricLedger pub = FabricTestNetwork.freshLedger("public", key)) {
            pub.append(event("own", EventType.DATASET_REGISTERED));
            try (FabricLedger intruder = FabricTestNetwork.connect("social", pub.origin(), SigningKey.generate(Suite.INTL))) {
                awaitSize(intruder, 1);
                assertThatThrownBy(() -> intruder.append(event("forged", EventType.CONTRACT_REVOKED)))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NOT_LOG_OWNER");
            }
            assertThat(pub.size()).isEqualTo(1);
        }
    }

    @Test
    void contractAgreementsAreRecordedOnceWithBothSignatures() throws Exception {
        try (FabricLedger l = FabricTestNetwork.freshLedger("public", key)) {
            String contractId = "c-" + UUID.randomUUID();
            String doc = "{\"contractId\":\"" + contractId + "\",\"offer\":\"of-1\",\"type\":\"veil.contract.agreement\"}";
            byte[] providerSig = key.sign(doc.getBytes(StandardCharsets.UTF_8));
            byte[] consumerSig = SigningKey.generate(Suite.INTL).sign(doc.getBytes(StandardCharsets.UTF_8));
            String txId = l.putAgreement(contractId, doc, providerSig, consumerSig);
            FabricLedger.Agreement a = l.agreement(contractId).orElseThrow();
            assertThat(a.canonicalJson()).isEqualTo(doc);
            assertThat(a.providerSignature()).isEqualTo(providerSig);
            assertThat(a.consumerSignature()).isEqualTo(consumerSig);
            assertThat(a.txId()).isEqualTo(txId);
            assertThat(a.submitterMsp()).isEqualTo("PublicZoneMSP");
            assertThat(key.verifyingKey().verify(a.canonicalJson().getBytes(StandardCharsets.UTF_8), a.providerSignature())).isTrue();
            assertThatThrownBy(() -> l.putAgreement(contractId, doc, consumerSig, providerSig))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AGREEMENT_EXISTS");
            assertThat(l.agreement(contractId).orElseThrow().providerSignature()).isEqualTo(providerSig);
            assertThat(l.agreement("c-none-" + UUID.randomUUID())).isEmpty();
        }
    }

    @Test
    void theNetworkRestartsWithoutLosingEvents() throws Exception {
        String origin = "veil/test-" + UUID.randomUUID();
        List<LedgerEntry> before;
        SignedCheckpoint cp;
        try (FabricLedger l = FabricTestNetwork.connect("public", origin, key)) {
            before = l.appendAll(List.of(event("r0", EventType.JOB_SUBMITTED), event("r1", EventType.JOB_EXECUTED), event("r2", EventType.RESULT_RELEASED)));
            cp = l.checkpoint();
        }
        FabricTestNetwork.networkScript("down");
        FabricTestNetwork.networkScript("up");
        try (FabricLedger l = FabricTestNetwork.connect("public", origin, key)) {
            assertThat(l.size()).isEqualTo(3);
            for (LedgerEntry e : before) {
                assertThat(l.read(e.seq())).contains(e);
            }
            assertThat(l.checkpoint()).isEqualTo(cp);
            assertThat(l.append(event("r1", EventType.JOB_EXECUTED))).isEqualTo(before.get(1));
            assertThat(l.append(event("r3", EventType.JOB_CHECKED)).seq()).isEqualTo(3);
        }
    }

    @Test
    void listeningResumesAfterTheCheckpointedTransaction() throws Exception {
        Path checkpointFile = tmp.resolve("events.checkpoint");
        try (FabricLedger l = FabricTestNetwork.freshLedger("public", key)) {
            l.append(event("l0", EventType.JOB_SUBMITTED));
            l.appendAll(List.of(event("l1", EventType.JOB_RUNNING), event("l2", EventType.JOB_EXECUTED)));
            assertThat(receive(l, checkpointFile, 3)).containsExactly("l0", "l1", "l2");
            l.appendAll(List.of(event("l3", EventType.JOB_CHECKED), event("l4", EventType.RESULT_RELEASED)));
            assertThat(receive(l, checkpointFile, 2)).containsExactly("l3", "l4");
        }
    }

    /** Waits (up to a minute) until the ledger's peer has committed {@code n} entries; fails otherwise. */
    private static void awaitSize(FabricLedger l, long n) throws InterruptedException {
        for (int i = 0; i < 600 && l.size() < n; i++) {
            Thread.sleep(100);
        }
        assertThat(l.size()).as("entries committed on %s's peer", l.settings().mspId()).isEqualTo(n);
    }

    /** Listens from the checkpoint file until {@code n} entries arrived; their event ids in arrival order. */
    private static List<String> receive(FabricLedger l, Path checkpointFile, int n) throws Exception {
        LinkedBlockingQueue<LedgerEntry> got = new LinkedBlockingQueue<>();
        List<String> ids = new ArrayList<>();
        try (FileCheckpointer cp = new FileCheckpointer(checkpointFile); FabricLedger.Listener listener = l.listen(cp, got::add)) {
            for (int i = 0; i < n; i++) {
                LedgerEntry e = got.poll(2, TimeUnit.MINUTES);
                assertThat(listener.failure()).isEmpty();
                assertThat(e).as("entry %d of %d delivered", i + 1, n).isNotNull();
                ids.add(e.event().eventId());
            }
        }
        return ids;
    }
}
