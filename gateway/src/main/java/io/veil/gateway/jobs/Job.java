package io.veil.gateway.jobs;

import java.time.Instant;
import java.util.List;

/**
 * A job row. {@code reasons} are machine-readable codes with messages that never carry data;
 * {@code resultSealed} is the released table sealed under the zone's result key (never plaintext
 * at rest).
 */
public record Job(String id, String consumerOrg, String type, List<String> contractIds, String sql, String sqlDigest,
                  JobStatus status, List<Reason> reasons, String planJson, String resultSealed, String resultDigest,
                  String usageJson, Instant createdAt, Instant updatedAt) {

    public record Reason(String code, String message) {}
}
