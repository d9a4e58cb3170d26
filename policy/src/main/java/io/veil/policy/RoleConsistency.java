package io.veil.policy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks an offer's rules against its datasets' column roles at creation time, so a provider cannot
 * publish terms that contradict the classification (e.g. an ENTITY_ID as a dimension). The engine
 * re-checks roles on every job anyway, because roles may change with a new dataset version.
 */
final class RoleConsistency {
    private static final Set<ColumnRole> DIMENSION_ROLES = EnumSet.of(ColumnRole.DIMENSION);
    private static final Set<ColumnRole> AGGREGATE_ROLES = EnumSet.of(ColumnRole.METRIC, ColumnRole.SENSITIVE);
    private static final Set<ColumnRole> JOIN_ROLES = EnumSet.of(ColumnRole.JOIN_KEY, ColumnRole.ENTITY_ID);
    private static final Set<ColumnRole> BOUND_ROLES = EnumSet.of(ColumnRole.METRIC);

    private RoleConsistency() {
    }

    static Result<Offer> check(Offer offer, Map<String, Map<String, ColumnRole>> roles) {
        List<Violation> out = new ArrayList<>();
        for (String id : offer.datasetIds()) {
            String path = "datasetIds";
            Map<String, ColumnRole> t = roles == null ? null : roles.get(id);
            if (t == null) {
                out.add(new Violation("OFFER_UNKNOWN_DATASET", path, "dataset '" + id + "' is unknown or has no column roles"));
                continue;
            }
            t.forEach((column, role) -> {
                if (role == null) {
                    out.add(new Violation("OFFER_COLUMN_ROLE_MISSING", path,
                            "column '" + column + "' of dataset '" + id + "' has no role"));
                }
            });
        }
        Offer.Rules rules = offer.rules();
        // List paths carry no index: the offer is already normalised (sorted), so an index would not match
        // what the provider submitted; the message names the column instead.
        rules.dimensions().forEach(c -> column(out, offer, roles, c, "rules.dimensions", DIMENSION_ROLES, "a dimension"));
        rules.joinKeys().forEach(c -> column(out, offer, roles, c, "rules.joinKeys", JOIN_ROLES, "a join key"));
        for (String c : rules.aggregates().keySet()) {
            if (!c.equals(Offer.ANY_COLUMN)) {
                column(out, offer, roles, c, "rules.aggregates." + c, AGGREGATE_ROLES, "aggregated");
            }
        }
        offer.privacy().ifPresent(p -> p.contributionBounds().keySet().forEach(c ->
                column(out, offer, roles, c, "privacy.contributionBounds." + c, BOUND_ROLES, "given contribution bounds")));
        return out.isEmpty() ? Result.ok(offer) : Result.err(out);
    }

    /** The column must exist in at least one offered dataset, and have an allowed role in every one that has it. */
    private static void column(List<Violation> out, Offer offer, Map<String, Map<String, ColumnRole>> roles,
                               String column, String path, Set<ColumnRole> allowed, String use) {
        boolean found = false;
        for (String id : offer.datasetIds()) {
            Map<String, ColumnRole> t = roles == null ? null : roles.get(id);
            if (t == null || !t.containsKey(column)) {
                continue;
            }
            found = true;
            ColumnRole role = t.get(column);
            if (role != null && !allowed.contains(role)) {
                out.add(new Violation("OFFER_ROLE_CONFLICT", path, "column '" + column + "' of dataset '" + id
                        + "' has role " + role + " and cannot be " + use + "; allowed roles: " + allowed));
            }
        }
        if (!found) {
            out.add(new Violation("OFFER_UNKNOWN_COLUMN", path, "no offered dataset has column '" + column + "'"));
        }
    }
}
