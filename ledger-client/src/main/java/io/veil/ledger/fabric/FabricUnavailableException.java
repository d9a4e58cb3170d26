package io.veil.ledger.fabric;

/** The Fabric network (peer, orderer or chaincode) did not answer or did not commit; retrying is safe. */
public class FabricUnavailableException extends RuntimeException {
    public FabricUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
