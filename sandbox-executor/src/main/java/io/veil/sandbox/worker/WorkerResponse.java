package io.veil.sandbox.worker;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.veil.sandbox.ResultTable;

/**
 * The worker's answer: an ENFORCED table (never the raw result) with what enforcement did, or a
 * stable error code with a scrubbed message (engine errors can echo values, so they are never
 * passed through).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkerResponse(boolean ok, String code, String message, ResultTable table, Integer rowsSuppressed,
                             Boolean truncated, Long microEpsilonSpent, Stats stats) {

    public record Stats(long rowsScanned, long cpuMillis, long decryptLoadMillis, long queryMillis, long enforceMillis,
                        long workerStartMillis) {}

    public static WorkerResponse error(String code, String message) {
        return new WorkerResponse(false, code, message, null, null, null, null, null);
    }

    public static final String TIMEOUT = "SANDBOX_TIMEOUT";
    public static final String MEMORY = "SANDBOX_MEMORY_LIMIT";
    public static final String QUERY_FAILED = "SANDBOX_QUERY_FAILED";
    public static final String INPUT_TAMPERED = "SANDBOX_INPUT_TAMPERED";
    public static final String CRASHED = "SANDBOX_CRASHED";
    public static final String UNAVAILABLE = "SANDBOX_UNAVAILABLE";
}
