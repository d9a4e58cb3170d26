package io.veil.policy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A provider's usage terms for one or more datasets. Build it with {@link OfferParser#parse}, which
 * validates; this record only normalises (sorted, de-duplicated, immutable collections) so that two
 * offers with the same meaning are equal and serialise to the same {@link #toJson()}.
 */
public record Offer(List<String> datasetIds, List<String> purposes, Assignees assignees,
                    Instant validFrom, Instant validUntil, long maxJobs, Set<JobType> jobTypes,
                    Rules rules, Optional<Privacy> privacy, ApprovalMode approval, Price price) {

    /** Literal in {@code assignees.orgs} meaning "any organisation in the listed zone tiers". */
    public static final String ANY_ORG = "*";
    /** Key in {@code rules.aggregates} that allows COUNT on any column the roles permit (and COUNT(*)). */
    public static final String ANY_COLUMN = "*";

    public Offer {
        datasetIds = sorted(datasetIds);
        purposes = sorted(purposes);
        Objects.requireNonNull(assignees, "assignees");
        Objects.requireNonNull(validFrom, "validFrom");
        Objects.requireNonNull(validUntil, "validUntil");
        jobTypes = enums(jobTypes, JobType.class);
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(privacy, "privacy");
        Objects.requireNonNull(approval, "approval");
        Objects.requireNonNull(price, "price");
    }

    public record Assignees(List<String> orgs, Set<ZoneTier> zoneTiers) {
        public Assignees {
            orgs = sorted(orgs);
            zoneTiers = enums(zoneTiers, ZoneTier.class);
        }

        public boolean admitsOrg(String org) {
            return org != null && (orgs.contains(ANY_ORG) || orgs.contains(org));
        }

        public boolean admitsTier(ZoneTier tier) {
            return tier != null && zoneTiers.contains(tier);
        }
    }

    /**
     * Analysis rules. Column names are plain (unqualified) and apply to every offered dataset that has a
     * column of that name. {@code maxRowsPerEntity} is empty when unbounded (only allowed without privacy).
     */
    public record Rules(int minEntities, Map<String, Set<Aggregate>> aggregates, List<String> dimensions,
                        List<String> joinKeys, long maxOutputRows, OptionalLong maxRowsPerEntity,
                        boolean allowLimit, boolean allowOrderBy) {
        public Rules {
            TreeMap<String, Set<Aggregate>> aggs = new TreeMap<>();
            aggregates.forEach((column, set) -> aggs.put(Objects.requireNonNull(column), enums(set, Aggregate.class)));
            aggregates = Collections.unmodifiableMap(aggs);
            dimensions = sorted(dimensions);
            joinKeys = sorted(joinKeys);
            Objects.requireNonNull(maxRowsPerEntity, "maxRowsPerEntity");
        }

        /** Whether {@code fn(column)} is listed, directly or (for COUNT only) through the "*" entry. */
        public boolean allows(String column, Aggregate fn) {
            if (aggregates.getOrDefault(column, Set.of()).contains(fn)) {
                return true;
            }
            return fn == Aggregate.COUNT && aggregates.getOrDefault(ANY_COLUMN, Set.of()).contains(Aggregate.COUNT);
        }
    }

    /** Differential-privacy terms, in micro-epsilon (ε × 10⁶) so that budget arithmetic is exact. */
    public record Privacy(long microEpsilonPerQuery, long microEpsilonBudget, Map<String, Bounds> contributionBounds) {
        public Privacy {
            contributionBounds = Collections.unmodifiableMap(new TreeMap<>(contributionBounds));
        }
    }

    /** Per-row clamp for a metric column: values are clamped into [lo, hi] before summing. */
    public record Bounds(double lo, double hi) {
    }

    /** Amount has scale 2; for FLAT_PERIOD it is the fee per contract, for FREE it is 0.00. */
    public record Price(PriceModel model, BigDecimal amount, String currency) {
        public Price {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(amount, "amount");
            Objects.requireNonNull(currency, "currency");
        }
    }

    /** The normalised document stored and digested by the gateway; every default is written out. */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        strings(o.putArray("datasetIds"), datasetIds);
        strings(o.putArray("purposes"), purposes);
        ObjectNode a = o.putObject("assignees");
        strings(a.putArray("orgs"), assignees.orgs());
        ArrayNode tiers = a.putArray("zoneTiers");
        assignees.zoneTiers().forEach(t -> tiers.add(t.name()));
        o.put("validFrom", validFrom.toString());
        o.put("validUntil", validUntil.toString());
        o.put("maxJobs", maxJobs);
        ArrayNode jt = o.putArray("jobTypes");
        jobTypes.forEach(t -> jt.add(t.name()));
        ObjectNode r = o.putObject("rules");
        r.put("minEntities", rules.minEntities());
        ObjectNode aggs = r.putObject("aggregates");
        rules.aggregates().forEach((column, fns) -> {
            ArrayNode arr = aggs.putArray(column);
            fns.forEach(f -> arr.add(f.name()));
        });
        strings(r.putArray("dimensions"), rules.dimensions());
        strings(r.putArray("joinKeys"), rules.joinKeys());
        r.put("maxOutputRows", rules.maxOutputRows());
        rules.maxRowsPerEntity().ifPresent(n -> r.put("maxRowsPerEntity", n));
        r.put("allowLimit", rules.allowLimit());
        r.put("allowOrderBy", rules.allowOrderBy());
        privacy.ifPresent(p -> {
            ObjectNode pn = o.putObject("privacy");
            pn.put("epsilonPerQuery", p.microEpsilonPerQuery() / 1e6);
            pn.put("epsilonBudget", p.microEpsilonBudget() / 1e6);
            ObjectNode cb = pn.putObject("contributionBounds");
            p.contributionBounds().forEach((column, b) -> cb.putArray(column).add(b.lo()).add(b.hi()));
        });
        o.put("approval", approval.name());
        ObjectNode pr = o.putObject("price");
        pr.put("model", price.model().name());
        pr.put("amount", price.amount().toPlainString());
        pr.put("currency", price.currency());
        return o;
    }

    private static void strings(ArrayNode target, List<String> values) {
        values.forEach(target::add);
    }

    private static List<String> sorted(Collection<String> values) {
        return List.copyOf(new TreeSet<>(values));
    }

    /** EnumSet iterates in declaration order, which makes toJson deterministic. */
    private static <E extends Enum<E>> Set<E> enums(Collection<E> values, Class<E> type) {
        EnumSet<E> set = EnumSet.noneOf(type);
        set.addAll(values);
        return Collections.unmodifiableSet(set);
    }
}
