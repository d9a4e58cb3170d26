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

    /** A key and its value. */
    record Kv(String key, byte[] value) {}

    /** Up to {@code limit} simple keys in [start, end), in key order, with their committed values. */
    List<Kv> range(String start, String end, int limit);

    String txId();

    /** The proposal's timestamp: the same on every endorsing peer, unlike the local clock. */
    Instant txTimestamp();

    /** MSP id of the identity that signed the proposal. */
    String submitterMspId();

    /** Sets the transaction's chaincode event; Fabric keeps one per transaction. */
    void emit(String name, byte[] payload);
}
