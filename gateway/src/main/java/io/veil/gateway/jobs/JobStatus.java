package io.veil.gateway.jobs;

import java.util.EnumSet;
import java.util.Set;

/**
 * Job lifecycle (DESIGN.md): SUBMITTED → ANALYSED → (AWAITING_APPROVAL) → RUNNING → CHECKED →
 * RELEASED, or REJECTED / FAILED / CANCELLED from any non-terminal step. CHECKED waits for the
 * provider's result review when the offer asks for it.
 */
public enum JobStatus {
    SUBMITTED, ANALYSED, AWAITING_APPROVAL, RUNNING, CHECKED, RELEASED, REJECTED, FAILED, CANCELLED;

    public boolean terminal() {
        return this == RELEASED || this == REJECTED || this == FAILED || this == CANCELLED;
    }

    public Set<JobStatus> next() {
        return switch (this) {
            case SUBMITTED -> EnumSet.of(ANALYSED, REJECTED, FAILED, CANCELLED);
            case ANALYSED -> EnumSet.of(AWAITING_APPROVAL, RUNNING, REJECTED, FAILED, CANCELLED);
            case AWAITING_APPROVAL -> EnumSet.of(RUNNING, REJECTED, CANCELLED, FAILED);
            case RUNNING -> EnumSet.of(CHECKED, FAILED, CANCELLED, REJECTED);
            case CHECKED -> EnumSet.of(RELEASED, REJECTED, FAILED, CANCELLED);
            default -> EnumSet.noneOf(JobStatus.class);
        };
    }

    /** The ledger event type recorded when a job enters this status. */
    public String eventType() {
        return switch (this) {
            case SUBMITTED -> "JobSubmitted";
            case ANALYSED -> "JobAnalysed";
            case AWAITING_APPROVAL -> "JobAwaitingApproval";
            case RUNNING -> "JobRunning";
            case CHECKED -> "JobExecuted";
            case RELEASED -> "ResultReleased";
            case REJECTED -> "JobRejected";
            case FAILED -> "JobFailed";
            case CANCELLED -> "JobCancelled";
        };
    }
}
