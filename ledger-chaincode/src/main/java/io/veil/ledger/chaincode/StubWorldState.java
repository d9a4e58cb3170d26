package io.veil.ledger.chaincode;

import com.google.protobuf.InvalidProtocolBufferException;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;
import org.hyperledger.fabric.shim.ChaincodeStub;
import org.hyperledger.fabric.shim.ledger.KeyValue;
import org.hyperledger.fabric.shim.ledger.QueryResultsIterator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@link WorldState} over a real Fabric transaction. */
final class StubWorldState implements WorldState {
    private final ChaincodeStub stub;

    StubWorldState(ChaincodeStub stub) {
        this.stub = stub;
    }

    @Override
    public byte[] get(String key) {
        byte[] v = stub.getState(key);
        return v == null || v.length == 0 ? null : v;
    }

    @Override
    public void put(String key, byte[] value) {
        stub.putState(key, value);
    }

    @Override
    public List<Kv> range(String start, String end, int limit) {
        List<Kv> out = new ArrayList<>();
        try (QueryResultsIterator<KeyValue> it = stub.getStateByRange(start, end)) {
            for (KeyValue kv : it) {
                if (out.size() >= limit) {
                    break;
                }
                out.add(new Kv(kv.getKey(), kv.getValue()));
            }
        } catch (Exception e) {
            throw new IllegalStateException("range query failed", e);
        }
        return out;
    }

    @Override
    public String txId() {
        return stub.getTxId();
    }

    @Override
    public Instant txTimestamp() {
        return stub.getTxTimestamp();
    }

    @Override
    public String submitterMspId() {
        try {
            return SerializedIdentity.parseFrom(stub.getCreator()).getMspid();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("unreadable creator identity", e);
        }
    }

    @Override
    public void emit(String name, byte[] payload) {
        stub.setEvent(name, payload);
    }
}
