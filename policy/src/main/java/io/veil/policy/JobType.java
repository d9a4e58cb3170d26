package io.veil.policy;

import java.util.Optional;

/** Kinds of computation an offer may allow. */
public enum JobType {
    SQL, PSI_COUNT, PSI_SUM;

    /** A private-set-intersection job (between zones); these need differential privacy (docs/psi.md). */
    public boolean isPsi() {
        return this == PSI_COUNT || this == PSI_SUM;
    }

    public static Optional<JobType> parse(String name) {
        return Enums.parse(JobType.class, name);
    }
}
