package io.veil.ledger.chaincode;

import org.hyperledger.fabric.shim.ChaincodeServer;
import org.hyperledger.fabric.shim.NettyChaincodeServer;

/**
 * Runs the chaincode as a service: the peer dials us (connection.json in the ccaas package names this
 * address), instead of the peer launching a container. Configured by the shim's environment variables:
 * CHAINCODE_SERVER_ADDRESS (host:port to listen on) and CORE_CHAINCODE_ID_NAME (the installed package id).
 */
public final class ChaincodeServerMain {
    private ChaincodeServerMain() {}

    public static void main(String[] args) throws Exception {
        for (String required : new String[] {"CHAINCODE_SERVER_ADDRESS", "CORE_CHAINCODE_ID_NAME"}) {
            String v = System.getenv(required);
            if (v == null || v.isBlank()) {
                System.err.println(required + " must be set");
                System.exit(2);
            }
        }
        VeilLedgerChaincode chaincode = new VeilLedgerChaincode();
        chaincode.prepareServerMode();
        ChaincodeServer server = new NettyChaincodeServer(chaincode, chaincode.getChaincodeServerConfig());
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "chaincode-server-stop"));
        System.out.println("veil chaincode " + System.getenv("CORE_CHAINCODE_ID_NAME")
                + " listening on " + System.getenv("CHAINCODE_SERVER_ADDRESS"));
        server.start(); // blocks until the server is shut down
    }
}
