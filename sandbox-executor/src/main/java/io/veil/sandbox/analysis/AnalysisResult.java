package io.veil.sandbox.analysis;

/** Outcome of {@link SqlAnalyzer#analyze}: a query the rewriter may plan, or a stable rejection. */
public sealed interface AnalysisResult {
    /** The query is structurally acceptable; the policy engine still decides on its footprint. */
    record Accepted(AnalyzedQuery query) implements AnalysisResult {
    }

    /**
     * @param code    stable machine-readable reason (see docs/privacy.md)
     * @param message human-readable; may name tables, columns and functions, never literals or data
     */
    record Rejected(String code, String message) implements AnalysisResult {
    }
}
