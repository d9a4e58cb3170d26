package io.veil.sandbox.analysis;

/**
 * Internal control flow: the first violation found ends the analysis. Turned into
 * {@link AnalysisResult.Rejected} at the boundary, so callers never see it. No stack trace: it is not
 * an error, and a trace could be logged with SQL fragments attached by a careless handler.
 */
final class Reject extends RuntimeException {
    final String code;

    Reject(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    static Reject unsupported(String what) {
        return new Reject(Codes.UNSUPPORTED_CONSTRUCT, "unsupported SQL construct: " + what);
    }
}
