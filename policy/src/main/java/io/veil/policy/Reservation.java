package io.veil.policy;

import java.util.List;
import java.util.Objects;

/** Amount held on every key for one job until it is committed (spent) or refunded. */
public record Reservation(String id, String jobId, List<BudgetKey> keys, long amount) {
    public Reservation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(jobId, "jobId");
        keys = List.copyOf(keys);
    }
}
