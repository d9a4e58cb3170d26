package io.veil.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Shared test data: the offer from the issue, a residents dataset with every role, an agreed contract. */
final class Fixtures {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String DS = "ds-residents";
    static final String OTHER_DS = "ds-tax";
    static final String CONSUMER = "demo-consumer-org";
    static final String PROVIDER = "demo-provider-org";
    static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    static final String OFFER_JSON = """
            {
              "datasetIds": ["ds-residents"],
              "purposes": ["research", "credit-risk"],
              "assignees": {"orgs": ["demo-consumer-org"], "zoneTiers": ["SOCIAL", "PUBLIC"]},
              "validFrom": "2026-01-01T00:00:00Z", "validUntil": "2027-01-01T00:00:00Z",
              "maxJobs": 100,
              "jobTypes": ["SQL"],
              "rules": {
                "minEntities": 10,
                "aggregates": {"income": ["SUM", "AVG", "COUNT"], "*": ["COUNT"]},
                "dimensions": ["district", "age_band"],
                "joinKeys": ["person_id"],
                "maxOutputRows": 1000
              },
              "privacy": {"epsilonPerQuery": 0.5, "epsilonBudget": 5.0, "contributionBounds": {"income": [0, 100000]}},
              "approval": "AUTO",
              "price": {"model": "PER_JOB", "amount": "10.00", "currency": "CNY"}
            }
            """;

    private Fixtures() {
    }

    static ObjectNode offerJson() {
        try {
            return (ObjectNode) MAPPER.readTree(OFFER_JSON);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Offer offer() {
        return OfferParser.parse(OFFER_JSON).value();
    }

    /** The residents table has one column of every role, plus an unlisted dimension and join key. */
    static Map<String, Map<String, ColumnRole>> roles() {
        Map<String, ColumnRole> t = new LinkedHashMap<>();
        t.put("person_id", ColumnRole.ENTITY_ID);
        t.put("birth_date", ColumnRole.QUASI_IDENTIFIER);
        t.put("district", ColumnRole.DIMENSION);
        t.put("age_band", ColumnRole.DIMENSION);
        t.put("region", ColumnRole.DIMENSION);
        t.put("income", ColumnRole.METRIC);
        t.put("debt", ColumnRole.METRIC);
        t.put("diagnosis", ColumnRole.SENSITIVE);
        t.put("phone_hash", ColumnRole.JOIN_KEY);
        return Map.of(DS, t);
    }

    static Contract agreed() {
        return new Contract("c-1", "o-1", PROVIDER, CONSUMER, "research", ContractState.AGREED,
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"),
                Instant.parse("2025-12-31T00:00:00Z"));
    }

    static QueryFootprint sql(ColumnUse... uses) {
        return new QueryFootprint(JobType.SQL, Set.of(DS), List.of(uses), Set.of());
    }

    static ColumnUse use(String column, UseKind kind) {
        return new ColumnUse(DS, column, kind, null);
    }

    static ColumnUse agg(String column, Aggregate fn) {
        return new ColumnUse(DS, column, UseKind.AGGREGATE_ARG, fn);
    }

    /** Rebuilds the offer with other rules/privacy, bypassing the parser (to test the engine's own defences). */
    static Offer withRules(Offer o, Offer.Rules rules, Optional<Offer.Privacy> privacy) {
        return new Offer(o.datasetIds(), o.purposes(), o.assignees(), o.validFrom(), o.validUntil(), o.maxJobs(),
                o.jobTypes(), rules, privacy, o.approval(), o.price());
    }

    static Offer.Rules rules(Map<String, Set<Aggregate>> aggregates, List<String> dimensions, List<String> joinKeys,
                             boolean allowLimit, boolean allowOrderBy) {
        return new Offer.Rules(10, aggregates, dimensions, joinKeys, 1000, OptionalLong.of(1), allowLimit, allowOrderBy);
    }

    /** Sets (or with value == null removes) the field at a dotted path such as "rules.maxRows". */
    static String with(String path, Object value) {
        ObjectNode root = offerJson();
        String[] parts = path.split("\\.");
        ObjectNode parent = root;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = (ObjectNode) parent.get(parts[i]);
        }
        String last = parts[parts.length - 1];
        if (value == null) {
            parent.remove(last);
        } else {
            parent.set(last, value instanceof JsonNode n ? n : MAPPER.valueToTree(value));
        }
        return root.toString();
    }
}
