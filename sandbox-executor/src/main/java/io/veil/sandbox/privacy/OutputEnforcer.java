package io.veil.sandbox.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.sandbox.ResultTable;

/** Applies an enforcement spec (thresholds, DP noise, row cap) to a raw result inside the worker. */
public final class OutputEnforcer {
    private OutputEnforcer() {}

    /**
     * @param raw  the rewritten query's raw result (includes the hidden per-table distinct-entity count columns)
     * @param spec the JSON form of an EnforcementSpec produced by the planner
     * @return the releasable table (hidden columns removed)
     */
    public static EnforcedResult enforce(ResultTable raw, JsonNode spec) {
        throw new UnsupportedOperationException("implemented by the privacy package");
    }

    /** The enforced table and what enforcement did (counts only, never values). */
    public record EnforcedResult(ResultTable table, int rowsSuppressed, boolean truncated, long microEpsilonSpent) {}
}
