package io.veil.gateway.ingest;

/**
 * A refused upload. The code is stable; the message names lines and columns but never a value
 * from the upload (invariant 1). Unchecked, because every caller maps it to one problem response.
 */
public class IngestException extends RuntimeException {
    private final String code;

    public IngestException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
