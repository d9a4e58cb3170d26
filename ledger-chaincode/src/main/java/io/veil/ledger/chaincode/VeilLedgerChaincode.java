package io.veil.ledger.chaincode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
    private static final ObjectMapper JSON = new ObjectMapper();
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
            case "Append" -> {
                arity(function, a, 2);
                List<String> entries;
                try {
                    entries = List.of(JSON.readValue(a.get(1), String[].class));
                } catch (Exception e) {
                    throw new Rejection(Rejection.Code.MALFORMED_JSON, "entries must be a JSON array of strings");
                }
                ArrayNode out = JSON.createArrayNode();
                for (VeilLedger.Appended r : ledger.append(a.get(0), entries)) {
                    out.addObject().put("seq", r.seq()).put("created", r.created());
                }
                return out.toString().getBytes(StandardCharsets.UTF_8);
            }
            case "Size" -> {
                arity(function, a, 1);
                return Long.toString(ledger.size(a.get(0))).getBytes(StandardCharsets.UTF_8);
            }
            case "Get" -> {
                arity(function, a, 2);
                return ledger.get(a.get(0), number(a.get(1)));
            }
            case "Find" -> {
                arity(function, a, 2);
                return ledger.find(a.get(0), a.get(1));
            }
            case "Scan" -> {
                arity(function, a, 6);
                return ledger.scan(a.get(0), a.get(1), a.get(2), a.get(3), number(a.get(4)), (int) number(a.get(5)));
            }
            case "PutAgreement" -> {
                arity(function, a, 4);
                ledger.putAgreement(a.get(0), a.get(1), a.get(2), a.get(3));
                return a.get(0).getBytes(StandardCharsets.UTF_8);
            }
            case "GetAgreement" -> {
                arity(function, a, 1);
                return ledger.getAgreement(a.get(0));
            }
            case "Ping" -> {
                return "pong".getBytes(StandardCharsets.UTF_8);
            }
            default -> throw new Rejection(Rejection.Code.UNKNOWN_FUNCTION, "no function '" + function + "'");
        }
    }

    private static long number(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new Rejection(Rejection.Code.BAD_ARGUMENT, "expected a decimal number");
        }
    }

    private static void arity(String function, List<String> args, int n) {
        if (args.size() != n) {
            throw new Rejection(Rejection.Code.BAD_ARGUMENT, function + " takes " + n + " arguments, got " + args.size());
        }
    }
}
