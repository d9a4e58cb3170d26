package io.veil.ledger.chaincode;

/**
 * An expected refusal (overwrite, malformed input, unknown id). The chaincode turns it into an error
 * response whose message starts with the code, so clients can branch on the code, not on prose.
 */
final class Rejection extends RuntimeException {
    enum Code { EVENT_EXISTS, NOT_LOG_OWNER, AGREEMENT_EXISTS, MALFORMED_JSON, NOT_CANONICAL, MISSING_SIGNATURE, BAD_ARGUMENT, NOT_FOUND, UNKNOWN_FUNCTION }

    private final Code code;

    Rejection(Code code, String detail) {
        super(code + ": " + detail, null, false, false);
        this.code = code;
    }

    Code code() {
        return code;
    }
}
