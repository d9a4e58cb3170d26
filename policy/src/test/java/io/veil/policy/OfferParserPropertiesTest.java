package io.veil.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

class OfferParserPropertiesTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Map<String, Set<String>> KNOWN = Map.of(
            "$", Set.of("datasetIds", "purposes", "assignees", "validFrom", "validUntil", "maxJobs", "jobTypes", "rules",
                    "privacy", "approval", "price"),
            "assignees", Set.of("orgs", "zoneTiers"),
            "rules", Set.of("minEntities", "aggregates", "dimensions", "joinKeys", "maxOutputRows", "maxRowsPerEntity",
                    "allowLimit", "allowOrderBy"),
            "privacy", Set.of("epsilonPerQuery", "epsilonBudget", "contributionBounds"),
            "price", Set.of("model", "amount", "currency"));
    private static final List<String> LEAVES = List.of("datasetIds", "purposes", "assignees", "assignees.orgs",
            "assignees.zoneTiers", "validFrom", "validUntil", "maxJobs", "jobTypes", "rules", "rules.minEntities",
            "rules.aggregates", "rules.aggregates.income", "rules.dimensions", "rules.joinKeys", "rules.maxOutputRows",
            "rules.maxRowsPerEntity", "rules.allowLimit", "rules.allowOrderBy", "privacy", "privacy.epsilonPerQuery",
            "privacy.epsilonBudget", "privacy.contributionBounds", "privacy.contributionBounds.income", "approval",
            "price", "price.model", "price.amount", "price.currency");

    @Property(tries = 500)
    void randomUnknownFieldNamesAreAlwaysRejected(@ForAll("objects") String where, @ForAll("names") String name,
                                                  @ForAll("values") JsonNode value) {
        if (KNOWN.get(where).contains(name)) {
            return;
        }
        ObjectNode root = Fixtures.offerJson();
        ObjectNode target = where.equals("$") ? root : (ObjectNode) root.get(where);
        target.set(name, value);
        Result<Offer> r = OfferParser.parse(root.toString());
        assertThat(r.isOk()).isFalse();
        assertThat(r.violations()).extracting(Violation::code, Violation::path)
                .contains(tuple("OFFER_UNKNOWN_FIELD", where.equals("$") ? name : where + "." + name));
    }

    /** Whatever a field is replaced by, the parser answers with a result (never an exception), and any offer it accepts round-trips. */
    @Property(tries = 1000)
    void parserIsTotalAndAcceptedOffersRoundTrip(@ForAll("leaves") String path, @ForAll("values") JsonNode value) {
        ObjectNode root = Fixtures.offerJson();
        String[] parts = path.split("\\.");
        ObjectNode parent = root;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = (ObjectNode) parent.get(parts[i]);
        }
        parent.set(parts[parts.length - 1], value);
        Result<Offer> r = OfferParser.parse(root.toString());
        if (r.isOk()) {
            assertThat(OfferParser.parse(r.value().toJson().toString())).isEqualTo(r);
        } else {
            assertThat(r.violations()).allSatisfy(v -> assertThat(v.code()).startsWith("OFFER_"));
        }
    }

    @Property(tries = 300)
    void validOffersRoundTripThroughTheirNormalisedJson(@ForAll("validOffers") ObjectNode json) {
        Offer o = OfferParser.parse(json.toString()).value();
        Offer again = OfferParser.parse(o.toJson().toString()).value();
        assertThat(again).isEqualTo(o);
        assertThat(again.toJson().toString()).isEqualTo(o.toJson().toString());
    }

    @Provide
    Arbitrary<String> objects() {
        return Arbitraries.of(KNOWN.keySet());
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMinLength(1).ofMaxLength(20),
                Arbitraries.of("maxRows", "delta", "constraints", "id", "DatasetIds", "datasetids", "rules ", "", "$ref"));
    }

    @Provide
    Arbitrary<String> leaves() {
        return Arbitraries.of(LEAVES);
    }

    @Provide
    Arbitrary<JsonNode> values() {
        Arbitrary<JsonNode> scalars = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(12).map(s -> (JsonNode) F.textNode(s)),
                Arbitraries.of("SQL", "COUNT", "SOCIAL", "FREE", "2026-05-01T00:00:00Z", "1.00", "CNY", "income")
                        .map(s -> (JsonNode) F.textNode(s)),
                Arbitraries.longs().map(n -> (JsonNode) F.numberNode(n)),
                Arbitraries.bigDecimals().ofScale(3).between(new BigDecimal("-1e6"), new BigDecimal("1e6"))
                        .map(n -> (JsonNode) F.numberNode(n)),
                Arbitraries.of(true, false).map(b -> (JsonNode) F.booleanNode(b)),
                Arbitraries.just(F.nullNode()));
        Arbitrary<JsonNode> arrays = scalars.list().ofMaxSize(3).map(l -> {
            ArrayNode a = F.arrayNode();
            a.addAll(l);
            return a;
        });
        Arbitrary<JsonNode> objects = Combinators.combine(Arbitraries.strings().alpha().ofMaxLength(6), scalars)
                .as((k, v) -> (JsonNode) F.objectNode().set(k, v));
        return Arbitraries.oneOf(scalars, arrays, objects);
    }

    @Provide
    Arbitrary<ObjectNode> validOffers() {
        Arbitrary<Integer> minEntities = Arbitraries.integers().between(2, 1_000_000);
        Arbitrary<Long> maxJobs = Arbitraries.longs().between(1, 1_000_000_000_000L);
        Arbitrary<Long> budgetMicro = Arbitraries.longs().between(1, 1_000_000_000_000L);
        Arbitrary<Double> perQueryShare = Arbitraries.doubles().between(0, 1);
        Arbitrary<Long> cents = Arbitraries.longs().between(0, 99_999_999_999L);
        Arbitrary<PriceModel> model = Arbitraries.of(PriceModel.class);
        Arbitrary<Set<JobType>> jobTypes = Arbitraries.of(JobType.class).set().ofMinSize(1);
        Arbitrary<Boolean> dp = Arbitraries.of(true, false);
        Arbitrary<Double> lo = Arbitraries.doubles().between(-1e9, 1e9);
        return Combinators.combine(minEntities, maxJobs, budgetMicro, perQueryShare, cents, model, jobTypes, dp)
                .flatAs((m, j, b, share, c, pm, jt, withDp) -> lo.map(low -> {
                    ObjectNode o = Fixtures.offerJson();
                    ((ObjectNode) o.get("rules")).put("minEntities", m);
                    o.put("maxJobs", j);
                    ArrayNode types = o.putArray("jobTypes");
                    jt.forEach(t -> types.add(t.name()));
                    if (withDp) {
                        ObjectNode p = (ObjectNode) o.get("privacy");
                        long per = Math.max(1, (long) (b * share));
                        p.put("epsilonBudget", BigDecimal.valueOf(b, 6));
                        p.put("epsilonPerQuery", BigDecimal.valueOf(per, 6));
                        ((ObjectNode) p.get("contributionBounds")).putArray("income").add(low).add(low + 1 + Math.abs(low));
                    } else {
                        o.remove("privacy");
                    }
                    ObjectNode price = o.putObject("price");
                    price.put("model", pm.name());
                    price.put("amount", pm == PriceModel.FREE ? "0" : BigDecimal.valueOf(c, 2).toPlainString());
                    price.put("currency", "EUR");
                    return o;
                }));
    }
}
