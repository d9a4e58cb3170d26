package io.veil.gateway.jobs;

import java.time.Instant;
import java.util.List;

/**
 * A job row. {@code reasons} are machine-readable codes with messages that never carry data;
 * {@code resultSealed} is the checked table sealed under the zone's result key (never plaintext
 * at rest). {@code queryCommitment} and {@code resultCommitment} are keyed commitments (ADR 0021);
 * the result commitment exists only once the job is RELEASED (null for jobs stored before V9).
 */
public record Job(String id, String consumerOrg, String type, List<String> contractIds, String sql, String queryCommitment,
                  JobStatus status, List<Reason> reasons, String planJson, String resultSealed, String resultCommitment,
                  String usageJson, Instant createdAt, Instant updatedAt) {

    public record Reason(String code, String message) {}
}
