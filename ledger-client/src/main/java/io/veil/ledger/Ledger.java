package io.veil.ledger;

import java.util.List;
import java.util.Optional;

/**
 * The zone's append-only, signed event log. Every backend (embedded Merkle log, Hyperledger
 * Fabric) passes the same contract test, {@code LedgerContractTest}.
 *
 * <p>Appends are durable when they return and idempotent on {@link LedgerEvent#eventId()}: a
 * second append of an id already present returns the stored entry (the gateway's outbox relay
 * retries after crashes and relies on this); reusing an id for a different event is an
 * IllegalArgumentException. Sequence numbers start at 0 and have no gaps.
 *
 * <p>Proofs are a capability: a backend without a Merkle tree answers
 * {@link LedgerResult.Reason#UNSUPPORTED}; an out-of-range request answers
 * {@link LedgerResult.Reason#OUT_OF_RANGE}. Tampering with stored data is a
 * {@link LedgerTamperedException}; I/O failure is an {@link java.io.UncheckedIOException} after
 * which the instance refuses further appends (fail closed; reopen to recover).
 */
public interface Ledger extends AutoCloseable {
    LedgerEntry append(LedgerEvent event);

    /** Appends in order, sharing one durability barrier; all-or-nothing with respect to validation. */
    List<LedgerEntry> appendAll(List<LedgerEvent> events);

    Optional<LedgerEntry> read(long seq);

    LedgerPage query(LedgerQuery query);

    /** A checkpoint signed by the zone covering every durable entry. */
    SignedCheckpoint checkpoint();

    /** Proof that entry {@code seq} is in the tree of {@code treeSize} entries (seq &lt; treeSize ≤ size()). */
    LedgerResult<InclusionProof> inclusionProof(long seq, long treeSize);

    /** Proof that the tree of {@code fromSize} entries is a prefix of the tree of {@code toSize} (≤ size()). */
    LedgerResult<ConsistencyProof> consistencyProof(long fromSize, long toSize);

    /** Number of durable entries. */
    long size();

    @Override
    void close();
}
