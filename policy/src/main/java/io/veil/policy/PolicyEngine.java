package io.veil.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether a job may run under a contract. Pure: the clock and usage counts are inputs, nothing is
 * read or written, so the same inputs always give the same {@link Decision}. Every violation is collected
 * (not just the first) so a consumer can fix a query in one go. Reason codes are listed in OFFERS.md.
 */
public final class PolicyEngine {
    /** Features the analyzer may report; any other string denies, so a new SQL construct is never silently allowed. */
    public static final Set<String> KNOWN_FEATURES = Set.of("LIMIT", "ORDER_BY", "DISTINCT", "HAVING", "JOIN",
            "WHERE", "GROUP_BY");
    private static final Set<UseKind> PLAIN_DIMENSION_USES =
            EnumSet.of(UseKind.OUTPUT_RAW, UseKind.GROUP_BY, UseKind.FILTER, UseKind.ORDER_BY);

    public Decision evaluate(Contract c, Offer o, Map<String, Map<String, ColumnRole>> roles, QueryFootprint f,
                             String requestingOrg, ZoneTier requesterTier, Instant now, long jobsUsed) {
        if (c == null || o == null || roles == null || f == null || now == null || jobsUsed < 0) {
            return Decision.deny("POLICY_INVALID_INPUT", "missing or invalid evaluation input");
        }
        List<Decision.Reason> out = new ArrayList<>();
        checkContract(out, c, o, requestingOrg, requesterTier, now, jobsUsed);
        checkDatasets(out, o, roles, f);
        for (ColumnUse u : f.uses()) {
            checkUse(out, o, roles, f, u);
        }
        checkFeatures(out, o.rules(), f.features());
        return Decision.of(out);
    }

    /** May {@code consumerOrg} in {@code tier} request a contract on this offer for {@code purpose}? */
    public Decision evaluateRequest(Offer o, String consumerOrg, ZoneTier tier, String purpose, Instant now) {
        if (o == null || now == null) {
            return Decision.deny("POLICY_INVALID_INPUT", "missing or invalid evaluation input");
        }
        List<Decision.Reason> out = new ArrayList<>();
        assignees(out, o, consumerOrg, tier);
        if (purpose == null || !o.purposes().contains(purpose)) {
            out.add(reason("PURPOSE_NOT_ALLOWED", "the purpose is not one the offer allows"));
        }
        if (!now.isBefore(o.validUntil())) {
            out.add(reason("OFFER_EXPIRED", "the offer's validity has ended"));
        }
        return Decision.of(out);
    }

    private static void checkContract(List<Decision.Reason> out, Contract c, Offer o, String org, ZoneTier tier,
                                      Instant now, long jobsUsed) {
        if (c.state() != ContractState.AGREED) {
            out.add(reason("CONTRACT_NOT_AGREED", "the contract is " + c.state() + ", not AGREED"));
        }
        if (org == null || !org.equals(c.consumerOrg())) {
            out.add(reason("CONTRACT_WRONG_ORG", "the requesting organisation is not the contract's consumer"));
        }
        assignees(out, o, c.consumerOrg(), tier);
        // The effective window is the intersection, so a contract can never outlive (or predate) its offer.
        Instant from = later(c.validFrom(), o.validFrom());
        Instant until = earlier(c.validUntil(), o.validUntil());
        if (now.isBefore(from)) {
            out.add(reason("CONTRACT_NOT_YET_VALID", "the contract is not valid before " + from));
        }
        if (!now.isBefore(until)) {
            out.add(reason("CONTRACT_EXPIRED", "the contract expired at " + until));
        }
        if (!o.purposes().contains(c.purpose())) {
            out.add(reason("PURPOSE_NOT_ALLOWED", "the contract's purpose is not allowed by the offer"));
        }
        if (jobsUsed >= o.maxJobs()) {
            out.add(reason("QUOTA_EXHAUSTED", "all " + o.maxJobs() + " jobs of the contract are used"));
        }
    }

    private static void assignees(List<Decision.Reason> out, Offer o, String org, ZoneTier tier) {
        if (!o.assignees().admitsOrg(org)) {
            out.add(reason("ASSIGNEE_ORG_NOT_ALLOWED", "the organisation is not an assignee of the offer"));
        }
        if (!o.assignees().admitsTier(tier)) {
            out.add(reason("ASSIGNEE_TIER_NOT_ALLOWED", "the offer does not admit requesters from zone tier " + tier));
        }
    }

    private static void checkDatasets(List<Decision.Reason> out, Offer o, Map<String, Map<String, ColumnRole>> roles,
                                      QueryFootprint f) {
        if (f.jobType() == null) {
            out.add(reason("FOOTPRINT_MALFORMED", "the job type is missing"));
        } else if (!o.jobTypes().contains(f.jobType())) {
            out.add(reason("JOB_TYPE_NOT_ALLOWED", "job type " + f.jobType() + " is not allowed; allowed: " + o.jobTypes()));
        } else if (f.jobType().isPsi() && o.privacy().isEmpty()) {
            // Also for offers stored before publication refused this: see OfferParser.validateAgainst.
            out.add(reason("PSI_REQUIRES_PRIVACY", "PSI jobs need an offer with privacy: without noise, two key sets that"
                    + " differ in one key reveal whether that key is in the dataset, and its value"));
        }
        if (f.datasetIds().isEmpty()) {
            out.add(reason("FOOTPRINT_MALFORMED", "the job reads no dataset"));
        }
        for (String d : f.datasetIds()) {
            if (!o.datasetIds().contains(d)) {
                out.add(reason("DATASET_NOT_IN_CONTRACT", "dataset " + Names.quote(d) + " is not covered by the contract"));
            } else if (roles.get(d) == null) {
                out.add(reason("DATASET_ROLES_MISSING", "dataset " + Names.quote(d) + " has no column roles"));
            }
        }
    }

    private static void checkUse(List<Decision.Reason> out, Offer o, Map<String, Map<String, ColumnRole>> roles,
                                 QueryFootprint f, ColumnUse u) {
        if (u == null || u.datasetId() == null || u.column() == null || u.kind() == null
                || (u.kind() == UseKind.AGGREGATE_ARG) != (u.aggregate() != null)) {
            out.add(reason("FOOTPRINT_MALFORMED", "a column use is incomplete or inconsistent"));
            return;
        }
        String col = Names.quote(u.column()) + " of dataset " + Names.quote(u.datasetId());
        if (!f.datasetIds().contains(u.datasetId())) {
            out.add(reason("FOOTPRINT_MALFORMED", "column " + col + " belongs to a dataset the job does not list"));
        }
        if (!o.datasetIds().contains(u.datasetId())) {
            out.add(reason("DATASET_NOT_IN_CONTRACT", "dataset " + Names.quote(u.datasetId()) + " is not covered by the contract"));
            return;
        }
        if (u.column().equals(Offer.ANY_COLUMN)) {
            if (u.aggregate() != Aggregate.COUNT) {
                out.add(reason("FOOTPRINT_MALFORMED", "'*' is only meaningful as COUNT(*)"));
            } else if (!o.rules().allows(Offer.ANY_COLUMN, Aggregate.COUNT)) {
                out.add(reason("AGGREGATE_NOT_ALLOWED", "COUNT(*) is not allowed"));
            }
            return;
        }
        Map<String, ColumnRole> table = roles.get(u.datasetId());
        if (table == null) {
            return; // reported once as DATASET_ROLES_MISSING
        }
        if (!table.containsKey(u.column())) {
            out.add(reason("UNKNOWN_COLUMN", "column " + col + " does not exist"));
            return;
        }
        ColumnRole role = table.get(u.column());
        if (role == null) {
            out.add(reason("COLUMN_ROLE_MISSING", "column " + col + " has no role"));
            return;
        }
        ColumnUsePolicy.check(out, o, role, u, col);
    }

    private static void checkFeatures(List<Decision.Reason> out, Offer.Rules rules, Set<String> features) {
        for (String feature : features) {
            if (!KNOWN_FEATURES.contains(feature)) {
                out.add(reason("POLICY_UNKNOWN_FEATURE", "query feature " + Names.quote(feature) + " is not understood"));
            } else if (feature.equals("LIMIT") && !rules.allowLimit()) {
                out.add(reason("FEATURE_NOT_ALLOWED", "LIMIT is not allowed by the offer"));
            } else if (feature.equals("ORDER_BY") && !rules.allowOrderBy()) {
                out.add(reason("FEATURE_NOT_ALLOWED", "ORDER BY is not allowed by the offer"));
            }
        }
    }

    static Decision.Reason reason(String code, String message) {
        return new Decision.Reason(code, message);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
