package io.veil.policy;

import java.util.Optional;

/** Whether the provider is in the loop for a job: never, before it runs, or before its result is released. */
public enum ApprovalMode {
    AUTO, PROVIDER_APPROVES_JOB, PROVIDER_REVIEWS_RESULT;

    public static Optional<ApprovalMode> parse(String name) {
        return Enums.parse(ApprovalMode.class, name);
    }
}
