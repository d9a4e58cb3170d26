package io.veil.ledger.chaincode;

import org.hyperledger.fabric.metrics.Metrics;
import org.hyperledger.fabric.shim.ChaincodeBase;
import org.hyperledger.fabric.shim.ChaincodeStub;
import org.hyperledger.fabric.traces.Traces;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Dispatches Fabric invocations to {@link VeilLedger}. Expected refusals become error responses
 * ("CODE: detail"), which fail endorsement, so nothing is written; anything else is logged as a bug.
 */
public final class VeilLedgerChaincode extends ChaincodeBase {
    private static final Logger LOG = Logger.getLogger(VeilLedgerChaincode.class.getName());

    /**
     * ChaincodeBase.start() does these steps before dialling a peer; server mode (chaincode as a
     * service) must repeat them all, in this order: without getChaincodeConfig() the first connection
     * from a peer fails with "Chaincode config not available", without Traces.initialize() with
     * "No provider set".
     */
    void prepareServerMode() {
        initializeLogging();
        processEnvironmentOptions();
        validateOptions();
        Properties props = getChaincodeConfig();
        Metrics.initialize(props);
        Traces.initialize(props);
    }

    @Override
    public Response init(ChaincodeStub stub) {
        return newSuccessResponse();
    }

    @Override
    public Response invoke(ChaincodeStub stub) {
        String function = stub.getFunction();
        List<String> args = stub.getParameters();
        try {
            return newSuccessResponse(dispatch(new VeilLedger(new StubWorldState(stub)), function, args));
        } catch (Rejection r) {
            return newErrorResponse(r.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "unexpected failure in " + function, e);
            return newErrorResponse("INTERNAL: " + e.getClass().getSimpleName());
        }
    }

    static byte[] dispatch(VeilLedger ledger, String function, List<String> a) {
        switch (function == null ? "" : function) {
            case "AppendEvent" -> {
                arity(function, a, 4);
                ledger.appendEvent(a.get(0), a.get(1), a.get(2), a.get(3));
                return a.get(0).getBytes(StandardCharsets.UTF_8);
            }
            case "PutAgreement" -> {
                arity(function, a, 4);
                ledger.putAgreement(a.get(0), a.get(1), a.get(2), a.get(3));
                return a.get(0).getBytes(StandardCharsets.UTF_8);
            }
            case "GetEvent" -> {
                arity(function, a, 1);
                return ledger.getEvent(a.get(0));
            }
            case "GetAgreement" -> {
                arity(function, a, 1);
                return ledger.getAgreement(a.get(0));
            }
            case "QueryBySubject" -> {
                arity(function, a, 2);
                return ledger.queryBySubject(a.get(0), a.get(1));
            }
            case "QueryByType" -> {
                arity(function, a, 1);
                return ledger.queryByType(a.get(0));
            }
            case "Ping" -> {
                return "pong".getBytes(StandardCharsets.UTF_8);
            }
            default -> throw new Rejection(Rejection.Code.UNKNOWN_FUNCTION, "no function '" + function + "'");
        }
    }

    private static void arity(String function, List<String> args, int n) {
        if (args.size() != n) {
            throw new Rejection(Rejection.Code.BAD_ARGUMENT, function + " takes " + n + " arguments, got " + args.size());
        }
    }
}
