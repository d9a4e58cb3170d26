package io.veil.sandbox.plan;

/** Internal control flow for planning rejections; surfaced as {@link PlanResult.Rejected}. */
final class PlanReject extends RuntimeException {
    final String code;

    PlanReject(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }
}
