package io.veil.policy;

import java.util.List;

/**
 * The role × use matrix (DESIGN.md "Data model") plus the offer's rules for one column use. Kept apart
 * from {@link PolicyEngine} so the matrix can be read in one screen.
 *
 * <pre>
 * role             OUTPUT_RAW GROUP_BY FILTER ORDER_BY  AGGREGATE_ARG        JOIN_KEY
 * ENTITY_ID        -          -        -      -         COUNT only           if in joinKeys
 * QUASI_IDENTIFIER -          -        -      -         -                    -   (bucketing not modelled yet)
 * JOIN_KEY         -          -        -      -         -                    if in joinKeys
 * DIMENSION        if in dimensions (ORDER_BY also needs allowOrderBy)   COUNT, if in dimensions   -
 * METRIC           -          -        -      -         if rules allow it    -
 * SENSITIVE        -          -        -      -         if rules allow it    -
 * </pre>
 * An allowed aggregate under privacy must also be DP-safe (no MIN/MAX) and, for SUM/AVG, bounded.
 */
final class ColumnUsePolicy {
    private ColumnUsePolicy() {
    }

    static void check(List<Decision.Reason> out, Offer o, ColumnRole role, ColumnUse u, String col) {
        Offer.Rules rules = o.rules();
        UseKind kind = u.kind();
        switch (role) {
            case ENTITY_ID -> {
                if (kind == UseKind.JOIN_KEY) {
                    joinKey(out, rules, u, col);
                } else if (kind == UseKind.AGGREGATE_ARG && u.aggregate() == Aggregate.COUNT) {
                    aggregate(out, o, u, col);
                } else {
                    forbidden(out, role, u, col);
                }
            }
            case JOIN_KEY -> {
                if (kind == UseKind.JOIN_KEY) {
                    joinKey(out, rules, u, col);
                } else {
                    forbidden(out, role, u, col);
                }
            }
            case QUASI_IDENTIFIER -> forbidden(out, role, u, col);
            case DIMENSION -> {
                boolean plain = kind != UseKind.AGGREGATE_ARG && kind != UseKind.JOIN_KEY;
                boolean count = kind == UseKind.AGGREGATE_ARG && u.aggregate() == Aggregate.COUNT;
                if (!plain && !count) {
                    forbidden(out, role, u, col);
                    return;
                }
                if (!rules.dimensions().contains(u.column())) {
                    out.add(PolicyEngine.reason("DIMENSION_NOT_ALLOWED", "column " + col + " is not a dimension of the offer"));
                }
                if (count) {
                    aggregate(out, o, u, col);
                } else if (kind == UseKind.ORDER_BY && !rules.allowOrderBy()) {
                    out.add(PolicyEngine.reason("FEATURE_NOT_ALLOWED", "ORDER BY is not allowed by the offer"));
                }
            }
            case METRIC, SENSITIVE -> {
                if (kind == UseKind.AGGREGATE_ARG) {
                    aggregate(out, o, u, col);
                } else {
                    forbidden(out, role, u, col);
                }
            }
            default -> forbidden(out, role, u, col); // a role added later is denied until this matrix knows it
        }
    }

    private static void joinKey(List<Decision.Reason> out, Offer.Rules rules, ColumnUse u, String col) {
        if (!rules.joinKeys().contains(u.column())) {
            out.add(PolicyEngine.reason("JOIN_KEY_NOT_ALLOWED", "column " + col + " is not a join key of the offer"));
        }
    }

    private static void aggregate(List<Decision.Reason> out, Offer o, ColumnUse u, String col) {
        Aggregate fn = u.aggregate();
        if (!o.rules().allows(u.column(), fn)) {
            out.add(PolicyEngine.reason("AGGREGATE_NOT_ALLOWED", fn + " is not allowed on column " + col));
            return;
        }
        o.privacy().ifPresent(p -> {
            if (!fn.dpSafe()) {
                out.add(PolicyEngine.reason("AGGREGATE_NOT_DP_SAFE", fn + " on column " + col
                        + " is not allowed under differential privacy"));
            } else if (fn.needsBounds() && !p.contributionBounds().containsKey(u.column())) {
                out.add(PolicyEngine.reason("PRIVACY_BOUNDS_MISSING", fn + " on column " + col
                        + " needs contribution bounds under differential privacy"));
            }
        });
    }

    private static void forbidden(List<Decision.Reason> out, ColumnRole role, ColumnUse u, String col) {
        String use = u.kind() == UseKind.AGGREGATE_ARG ? u.aggregate() + " argument" : u.kind().name();
        out.add(PolicyEngine.reason("COLUMN_ROLE_FORBIDDEN", "column " + col + " has role " + role
                + " and may not be used as " + use));
    }
}
