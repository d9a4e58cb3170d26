package io.veil.policy;

import java.util.Optional;

/** The role of a dataset column; decides where a query may use it (see OFFERS.md, "Column roles"). */
public enum ColumnRole {
    ENTITY_ID, QUASI_IDENTIFIER, DIMENSION, METRIC, JOIN_KEY, SENSITIVE;

    /** Exact, case-sensitive name; anything else is empty so callers fail closed. */
    public static Optional<ColumnRole> parse(String name) {
        return Enums.parse(ColumnRole.class, name);
    }
}
