package io.veil.ledger.chaincode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * World state in a sorted map. Each call to {@link #commit()} applies the pending writes, as a committed
 * transaction would; reads inside a transaction see committed state only, as on a real peer.
 */
final class InMemoryWorldState implements WorldState {
    final TreeMap<String, byte[]> committed = new TreeMap<>();
    private final TreeMap<String, byte[]> pending = new TreeMap<>();
    String submitter = "PublicZoneMSP";
    String lastEventName;
    byte[] lastEventPayload;
    private int tx;

    @Override
    public byte[] get(String key) {
        return committed.get(key);
    }

    @Override
    public void put(String key, byte[] value) {
        pending.put(key, value);
    }

    @Override
    public List<Kv> range(String start, String end, int limit) {
        List<Kv> out = new ArrayList<>();
        for (var e : committed.subMap(start, end).entrySet()) {
            if (out.size() >= limit) {
                break;
            }
            out.add(new Kv(e.getKey(), e.getValue()));
        }
        return out;
    }

    @Override
    public String txId() {
        return "tx" + tx;
    }

    @Override
    public Instant txTimestamp() {
        return Instant.parse("2025-01-01T00:00:00Z").plusSeconds(tx);
    }

    @Override
    public String submitterMspId() {
        return submitter;
    }

    @Override
    public void emit(String name, byte[] payload) {
        lastEventName = name;
        lastEventPayload = payload;
    }

    /** Applies the writes of the transaction just run. */
    void commit() {
        committed.putAll(pending);
        pending.clear();
        tx++;
    }

    /** Drops the writes of a transaction that failed endorsement. */
    void abort() {
        pending.clear();
        tx++;
    }
}
