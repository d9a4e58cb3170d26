package io.veil.ledger.chaincode;

import java.time.Instant;
import java.util.List;

/**
 * The slice of a Fabric transaction context the ledger rules use. Kept this narrow so the rules can be
 * tested against an in-memory map; {@link StubWorldState} adapts the shim's ChaincodeStub to it.
 */
interface WorldState {

    /** The value at a plain key, or null when absent (including keys written earlier in this transaction). */
    byte[] get(String key);

    void put(String key, byte[] value);

    /** Composite keys (as produced by {@code CompositeKey.toString()}) that start with the given type and attributes, in key order. */
    List<org.hyperledger.fabric.shim.ledger.CompositeKey> findComposite(String objectType, String... leadingAttributes);

    String txId();

    /** The proposal's timestamp: the same on every endorsing peer, unlike the local clock. */
    Instant txTimestamp();

    /** MSP id of the identity that signed the proposal. */
    String submitterMspId();

    /** Sets the transaction's chaincode event; Fabric keeps one per transaction. */
    void emit(String name, byte[] payload);
}
