package io.veil.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses and validates offer JSON, failing closed: any field, value or combination this class does not
 * understand is a {@link Violation} — never ignored, never defaulted to something looser. Codes: OFFERS.md.
 */
public final class OfferParser {
    private static final Set<String> TOP = fields("datasetIds", "purposes", "assignees", "validFrom", "validUntil",
            "maxJobs", "jobTypes", "rules", "privacy", "approval", "price");
    private static final Set<String> ASSIGNEES = fields("orgs", "zoneTiers");
    private static final Set<String> RULES = fields("minEntities", "aggregates", "dimensions", "joinKeys",
            "maxOutputRows", "maxRowsPerEntity", "allowLimit", "allowOrderBy");
    private static final Set<String> PRIVACY = fields("epsilonPerQuery", "epsilonBudget", "contributionBounds");
    private static final Set<String> PRICE = fields("model", "amount", "currency");

    private static final Pattern AMOUNT = Pattern.compile("(0|[1-9][0-9]{0,14})(\\.[0-9]{1,2})?");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    /** ε above this is no privacy at all; the cap also keeps micro-ε sums far from long overflow. */
    private static final BigDecimal MAX_EPSILON = BigDecimal.valueOf(1_000_000);

    private OfferParser() {
    }

    public static Result<Offer> parse(String json) {
        if (json == null) {
            return Result.err("OFFER_MALFORMED_JSON", "$", "no document");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return Result.err(malformedCode(e), "$", malformedMessage(e));
        }
        return parse(root);
    }

    /** Same rules as {@link #parse(String)} for an already-parsed tree (e.g. a stored normalised offer). */
    public static Result<Offer> parse(JsonNode root) {
        if (root == null || root.isMissingNode()) {
            return Result.err("OFFER_MALFORMED_JSON", "$", "empty document");
        }
        DocReader r = new DocReader();
        ObjectNode o = r.object(root, "$", TOP);
        if (o == null) {
            return Result.err(r.violations);
        }
        List<String> datasetIds = r.list(r.field(o, "$", "datasetIds", true), "datasetIds", true,
                (n, p) -> r.name(n, p, DocReader.ID_MAX));
        List<String> purposes = r.list(r.field(o, "$", "purposes", true), "purposes", true,
                (n, p) -> r.name(n, p, DocReader.ID_MAX));
        Offer.Assignees assignees = assignees(r, r.field(o, "$", "assignees", true));
        Instant from = r.instant(r.field(o, "$", "validFrom", true), "validFrom");
        Instant until = r.instant(r.field(o, "$", "validUntil", true), "validUntil");
        if (from != null && until != null && !from.isBefore(until)) {
            r.add("OFFER_VALIDITY_ORDER", "validUntil", "must be later than validFrom");
        }
        Long maxJobs = r.integer(r.field(o, "$", "maxJobs", true), "maxJobs", 1, 1_000_000_000_000L);
        List<JobType> jobTypes = r.enums(r.field(o, "$", "jobTypes", true), "jobTypes", true,
                JobType::parse, "OFFER_UNKNOWN_JOB_TYPE", List.of(JobType.values()));
        JsonNode privacyNode = r.field(o, "$", "privacy", false);
        Offer.Privacy privacy = privacy(r, privacyNode);
        Offer.Rules rules = rules(r, r.field(o, "$", "rules", true), privacyNode != null);
        ApprovalMode approval = r.enumValue(r.field(o, "$", "approval", true), "approval", ApprovalMode::parse,
                "OFFER_UNKNOWN_APPROVAL_MODE", List.of(ApprovalMode.values()));
        Offer.Price price = price(r, r.field(o, "$", "price", true));
        if (rules != null && privacy != null) {
            checkPrivacyAgainstRules(r, rules, privacy);
        }
        if (!r.violations.isEmpty()) {
            return Result.err(r.violations);
        }
        return Result.ok(new Offer(datasetIds, purposes, assignees, from, until, maxJobs, EnumSet.copyOf(jobTypes),
                rules, java.util.Optional.ofNullable(privacy), approval, price));
    }

    /**
     * Checks the offer against the column roles of its datasets (dataset id → column → role). Returns the
     * offer unchanged when every referenced dataset and column exists and every rule fits the roles.
     */
    public static Result<Offer> validateAgainst(Offer offer, Map<String, Map<String, ColumnRole>> roles) {
        Result<Offer> r = RoleConsistency.check(offer, roles);
        List<Violation> out = new ArrayList<>(r.isOk() ? List.of() : r.violations());
        if (offer.privacy().isEmpty() && offer.jobTypes().stream().anyMatch(JobType::isPsi)) {
            // Not in parse(): offers stored before this rule must still read back; the engine refuses their PSI jobs.
            out.add(new Violation("OFFER_PSI_REQUIRES_PRIVACY", "privacy", "PSI_COUNT and PSI_SUM need privacy: without"
                    + " noise, two key sets that differ in one key reveal that key's membership and value"));
        }
        return out.isEmpty() ? Result.ok(offer) : Result.err(out);
    }

    private static Offer.Assignees assignees(DocReader r, JsonNode n) {
        ObjectNode a = r.object(n, "assignees", ASSIGNEES);
        if (a == null) {
            return null;
        }
        List<String> orgs = r.list(r.field(a, "assignees", "orgs", true), "assignees.orgs", true, (item, p) ->
                item.isTextual() && Offer.ANY_ORG.equals(item.textValue()) ? Offer.ANY_ORG : r.name(item, p, DocReader.ID_MAX));
        if (orgs != null && orgs.size() > 1 && orgs.contains(Offer.ANY_ORG)) {
            r.add("OFFER_WILDCARD_NOT_ALONE", "assignees.orgs", "\"*\" (any organisation) must be the only entry");
        }
        List<ZoneTier> tiers = r.enums(r.field(a, "assignees", "zoneTiers", true), "assignees.zoneTiers", true,
                ZoneTier::parse, "OFFER_UNKNOWN_ZONE_TIER", List.of(ZoneTier.values()));
        return orgs == null || tiers == null ? null : new Offer.Assignees(orgs, EnumSet.copyOf(tiers));
    }

    private static Offer.Rules rules(DocReader r, JsonNode n, boolean privacy) {
        ObjectNode o = r.object(n, "rules", RULES);
        if (o == null) {
            return null;
        }
        int before = r.violations.size();
        Long minEntities = r.integer(r.field(o, "rules", "minEntities", true), "rules.minEntities", 2, 1_000_000);
        JsonNode aggNode = r.field(o, "rules", "aggregates", false);
        Map<String, Set<Aggregate>> aggregates = aggNode == null ? Map.of()
                : r.map(aggNode, "rules.aggregates", Offer.ANY_COLUMN, (item, p) -> aggregateList(r, item, p));
        List<String> dimensions = columns(r, o, "dimensions");
        List<String> joinKeys = columns(r, o, "joinKeys");
        Long maxOutputRows = r.integer(r.field(o, "rules", "maxOutputRows", true), "rules.maxOutputRows", 1, 10_000_000);
        JsonNode rpe = r.field(o, "rules", "maxRowsPerEntity", false);
        Long maxRowsPerEntity = r.integer(rpe, "rules.maxRowsPerEntity", 1, 1_000_000);
        Boolean allowLimit = orDefault(r.bool(r.field(o, "rules", "allowLimit", false), "rules.allowLimit"), false);
        Boolean allowOrderBy = orDefault(r.bool(r.field(o, "rules", "allowOrderBy", false), "rules.allowOrderBy"), true);
        if (r.violations.size() != before || aggregates == null) {
            return null;
        }
        // With DP on, an unbounded contribution would make the sensitivity infinite, so default to one row.
        OptionalLong bound = maxRowsPerEntity != null ? OptionalLong.of(maxRowsPerEntity)
                : privacy ? OptionalLong.of(1) : OptionalLong.empty();
        return new Offer.Rules(minEntities.intValue(), aggregates, dimensions, joinKeys, maxOutputRows, bound,
                allowLimit, allowOrderBy);
    }

    private static Set<Aggregate> aggregateList(DocReader r, JsonNode n, String path) {
        List<Aggregate> fns = r.enums(n, path, true, Aggregate::parse, "OFFER_UNKNOWN_AGGREGATE",
                List.of(Aggregate.values()));
        if (fns == null) {
            return null;
        }
        if (path.equals("rules.aggregates." + Offer.ANY_COLUMN) && !fns.equals(List.of(Aggregate.COUNT))) {
            // "*" must not grant SUM/AVG/MIN/MAX on every column, including ones added in later versions.
            r.add("OFFER_WILDCARD_AGGREGATE", path, "the \"*\" entry may only allow COUNT");
            return null;
        }
        return EnumSet.copyOf(fns);
    }

    private static List<String> columns(DocReader r, ObjectNode rules, String field) {
        JsonNode n = r.field(rules, "rules", field, false);
        if (n == null) {
            return rules.has(field) ? null : List.of();
        }
        return r.list(n, "rules." + field, false, (item, p) -> r.name(item, p, DocReader.COLUMN_MAX));
    }

    private static Offer.Privacy privacy(DocReader r, JsonNode n) {
        ObjectNode o = r.object(n, "privacy", PRIVACY);
        if (o == null) {
            return null;
        }
        Long perQuery = microEpsilon(r, r.field(o, "privacy", "epsilonPerQuery", true), "privacy.epsilonPerQuery");
        Long budget = microEpsilon(r, r.field(o, "privacy", "epsilonBudget", true), "privacy.epsilonBudget");
        if (perQuery != null && budget != null && perQuery > budget) {
            r.add("OFFER_EPSILON_EXCEEDS_BUDGET", "privacy.epsilonPerQuery", "must not exceed privacy.epsilonBudget");
        }
        JsonNode cb = r.field(o, "privacy", "contributionBounds", false);
        Map<String, Offer.Bounds> bounds = cb == null ? Map.of()
                : r.map(cb, "privacy.contributionBounds", null, (item, p) -> bounds(r, item, p));
        return perQuery == null || budget == null || bounds == null ? null
                : new Offer.Privacy(perQuery, budget, bounds);
    }

    private static Long microEpsilon(DocReader r, JsonNode n, String path) {
        BigDecimal eps = r.number(n, path);
        if (eps == null) {
            return null;
        }
        if (eps.signum() <= 0 || eps.compareTo(MAX_EPSILON) > 0) {
            r.add("OFFER_NUMBER_OUT_OF_RANGE", path, "must be greater than 0 and at most " + MAX_EPSILON);
            return null;
        }
        BigDecimal micro = eps.movePointRight(6).stripTrailingZeros();
        if (micro.scale() > 0) {
            r.add("OFFER_EPSILON_PRECISION", path, "must have at most 6 fraction digits");
            return null;
        }
        return micro.longValueExact();
    }

    private static Offer.Bounds bounds(DocReader r, JsonNode n, String path) {
        if (!n.isArray() || n.size() != 2 || !n.get(0).isNumber() || !n.get(1).isNumber()) {
            r.add("OFFER_BOUNDS_INVALID", path, "must be an array of two numbers [lo, hi]");
            return null;
        }
        double lo = n.get(0).decimalValue().doubleValue();
        double hi = n.get(1).decimalValue().doubleValue();
        if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
            r.add("OFFER_NUMBER_OUT_OF_RANGE", path, "bounds must be finite");
            return null;
        }
        if (!(lo < hi)) {
            r.add("OFFER_BOUNDS_ORDER", path, "lo must be less than hi");
            return null;
        }
        return new Offer.Bounds(lo, hi);
    }

    private static void checkPrivacyAgainstRules(DocReader r, Offer.Rules rules, Offer.Privacy privacy) {
        rules.aggregates().forEach((column, fns) -> {
            for (Aggregate fn : fns) {
                if (!fn.dpSafe()) {
                    r.add("OFFER_MINMAX_WITH_PRIVACY", "rules.aggregates." + column,
                            fn + " reveals single values and is not allowed when privacy is set");
                } else if (fn.needsBounds() && !privacy.contributionBounds().containsKey(column)) {
                    r.add("OFFER_BOUNDS_MISSING", "privacy.contributionBounds." + column,
                            fn + " under differential privacy needs contribution bounds for this column");
                }
            }
        });
    }

    private static Offer.Price price(DocReader r, JsonNode n) {
        ObjectNode o = r.object(n, "price", PRICE);
        if (o == null) {
            return null;
        }
        PriceModel model = r.enumValue(r.field(o, "price", "model", true), "price.model", PriceModel::parse,
                "OFFER_UNKNOWN_PRICE_MODEL", List.of(PriceModel.values()));
        boolean free = model == PriceModel.FREE;
        BigDecimal amount = amount(r, r.field(o, "price", "amount", !free && model != null));
        if (free && amount != null && amount.signum() != 0) {
            r.add("OFFER_FREE_WITH_AMOUNT", "price.amount", "a FREE offer cannot have a non-zero amount");
            return null;
        }
        String currency = r.string(r.field(o, "price", "currency", true), "price.currency");
        if (currency != null && !CURRENCY.matcher(currency).matches()) {
            r.add("OFFER_INVALID_CURRENCY", "price.currency", "must be an ISO-4217 code of three capital letters");
            return null;
        }
        if (model == null || currency == null || (amount == null && !free)) {
            return null;
        }
        return new Offer.Price(model, amount == null ? BigDecimal.ZERO.setScale(2) : amount, currency);
    }

    /** A string, not a JSON number, so that no binary floating point ever touches money. */
    private static BigDecimal amount(DocReader r, JsonNode n) {
        String s = r.string(n, "price.amount");
        if (s == null) {
            return null;
        }
        if (!AMOUNT.matcher(s).matches()) {
            r.add("OFFER_INVALID_AMOUNT", "price.amount",
                    "must be a non-negative decimal string with at most 2 fraction digits, e.g. \"10.00\"");
            return null;
        }
        return new BigDecimal(s).setScale(2);
    }

    private static String malformedCode(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        return m != null && m.startsWith("Duplicate field") ? "OFFER_DUPLICATE_FIELD" : "OFFER_MALFORMED_JSON";
    }

    /** Location only: the parser's own message can quote input text. */
    private static String malformedMessage(JsonProcessingException e) {
        String what = "OFFER_DUPLICATE_FIELD".equals(malformedCode(e)) ? "duplicate field" : "not valid JSON";
        return e.getLocation() == null ? what
                : what + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    private static <T> T orDefault(T value, T fallback) {
        return value == null ? fallback : value;
    }

    private static Set<String> fields(String... names) {
        return new LinkedHashSet<>(Arrays.asList(names));
    }
}
