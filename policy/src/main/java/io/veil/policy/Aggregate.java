package io.veil.policy;

import java.util.Optional;

/** Aggregate functions a rule may allow. MIN and MAX reveal single values, so they are never DP-safe. */
public enum Aggregate {
    COUNT, SUM, AVG, MIN, MAX;

    public boolean dpSafe() {
        return this != MIN && this != MAX;
    }

    /** SUM and AVG need a contribution bound per column to have a finite DP sensitivity. */
    public boolean needsBounds() {
        return this == SUM || this == AVG;
    }

    public static Optional<Aggregate> parse(String name) {
        return Enums.parse(Aggregate.class, name);
    }
}
