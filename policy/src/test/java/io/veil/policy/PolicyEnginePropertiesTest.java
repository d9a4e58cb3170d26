package io.veil.policy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static io.veil.policy.Fixtures.CONSUMER;
import static io.veil.policy.Fixtures.DS;
import static io.veil.policy.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

class PolicyEnginePropertiesTest {
    private static final List<String> COLUMNS = List.of("person_id", "birth_date", "district", "age_band", "region",
            "income", "debt", "diagnosis", "phone_hash", "*", "salary");
    private static final Set<UseKind> PLAIN = EnumSet.of(UseKind.OUTPUT_RAW, UseKind.GROUP_BY, UseKind.FILTER, UseKind.ORDER_BY);
    private final PolicyEngine engine = new PolicyEngine();

    private Decision eval(Offer o, QueryFootprint f) {
        return engine.evaluate(Fixtures.agreed(), o, Fixtures.roles(), f, CONSUMER, ZoneTier.SOCIAL, NOW, 0);
    }

    @Property
    void evaluationIsDeterministicAndIgnoresUseOrder(@ForAll("offers") Offer o, @ForAll("footprints") QueryFootprint f,
                                                     @ForAll long seed) {
        List<ColumnUse> shuffled = new ArrayList<>(f.uses());
        Collections.shuffle(shuffled, new Random(seed));
        QueryFootprint g = new QueryFootprint(f.jobType(), f.datasetIds(), shuffled, f.features());
        Decision d = eval(o, f);
        assertThat(eval(o, f)).isEqualTo(d);
        assertThat(eval(o, g)).isEqualTo(d);
    }

    /** The design's absolute rules, checked on every permit independently of how the engine is written. */
    @Property
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void aPermitNeverContainsAForbiddenUse(@ForAll("offers") Offer o, @ForAll("footprints") QueryFootprint f) {
        Decision d = eval(o, f);
        Statistics.label("permitted").collect(d.permitted());
        Statistics.label("permitted").coverage(c -> c.check(true).percentage(p -> p > 5));
        if (!d.permitted()) {
            return;
        }
        Map<String, ColumnRole> roles = Fixtures.roles().get(DS);
        assertThat(o.jobTypes()).contains(f.jobType());
        assertThat(PolicyEngine.KNOWN_FEATURES).containsAll(f.features());
        if (f.features().contains("LIMIT")) {
            assertThat(o.rules().allowLimit()).isTrue();
        }
        for (ColumnUse u : f.uses()) {
            if (u.column().equals("*")) {
                assertThat(u.aggregate()).isEqualTo(Aggregate.COUNT);
                continue;
            }
            ColumnRole role = roles.get(u.column());
            assertThat(role).as("known column").isNotNull();
            if (role == ColumnRole.ENTITY_ID || role == ColumnRole.QUASI_IDENTIFIER || role == ColumnRole.JOIN_KEY) {
                assertThat(u.kind()).isNotIn(PLAIN);
            }
            if (role == ColumnRole.METRIC || role == ColumnRole.SENSITIVE) {
                assertThat(u.kind()).isEqualTo(UseKind.AGGREGATE_ARG);
            }
            if (role == ColumnRole.DIMENSION) {
                assertThat(o.rules().dimensions()).contains(u.column());
            }
            if (u.kind() == UseKind.JOIN_KEY) {
                assertThat(o.rules().joinKeys()).contains(u.column());
                assertThat(role).isIn(ColumnRole.JOIN_KEY, ColumnRole.ENTITY_ID);
            }
            if (u.kind() == UseKind.AGGREGATE_ARG) {
                assertThat(o.rules().allows(u.column(), u.aggregate())).isTrue();
                if (o.privacy().isPresent()) {
                    assertThat(u.aggregate()).isNotIn(Aggregate.MIN, Aggregate.MAX);
                }
            }
        }
    }

    @Property
    void addingAUseNeverTurnsADenialIntoAPermit(@ForAll("offers") Offer o, @ForAll("footprints") QueryFootprint f,
                                                @ForAll("uses") ColumnUse extra) {
        if (eval(o, f).permitted()) {
            return;
        }
        List<ColumnUse> more = new ArrayList<>(f.uses());
        more.add(extra);
        assertThat(eval(o, new QueryFootprint(f.jobType(), f.datasetIds(), more, f.features())).permitted()).isFalse();
    }

    @Provide
    Arbitrary<ColumnUse> uses() {
        return Combinators.combine(Arbitraries.of(COLUMNS), Arbitraries.of(UseKind.class), Arbitraries.of(Aggregate.class))
                .as((c, k, fn) -> new ColumnUse(DS, c, k, k == UseKind.AGGREGATE_ARG ? fn : null));
    }

    @Provide
    Arbitrary<QueryFootprint> footprints() {
        Arbitrary<JobType> jobType = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.just(JobType.SQL)), net.jqwik.api.Tuple.of(2, Arbitraries.of(JobType.class)));
        Arbitrary<Set<String>> features = Arbitraries.of("LIMIT", "ORDER_BY", "DISTINCT", "HAVING", "WINDOW")
                .set().ofMaxSize(2);
        return Combinators.combine(jobType, uses().list().ofMaxSize(3), features)
                .as((j, u, f) -> new QueryFootprint(j, Set.of(DS), u, f));
    }

    /** Variations of the documented offer, built directly so that rules can also be ones the parser refuses. */
    @Provide
    Arbitrary<Offer> offers() {
        Arbitrary<Set<Aggregate>> fns = Arbitraries.of(Aggregate.class).set().ofMaxSize(3);
        Arbitrary<Boolean> flag = Arbitraries.of(true, false);
        Arbitrary<List<String>> dims = Arbitraries.of("district", "age_band", "region").set().map(ArrayList::new);
        Arbitrary<List<String>> joins = Arbitraries.of("person_id", "phone_hash", "district").set().map(ArrayList::new);
        return Combinators.combine(fns, fns, flag, dims, joins, flag, flag, flag).as((income, diagnosis, star, d, j, limit, order, dp) -> {
            Map<String, Set<Aggregate>> aggs = new HashMap<>();
            aggs.put("income", income);
            aggs.put("diagnosis", diagnosis);
            if (star) {
                aggs.put("*", EnumSet.of(Aggregate.COUNT));
            }
            Offer base = Fixtures.offer();
            Optional<Offer.Privacy> privacy = dp ? base.privacy() : Optional.empty();
            return Fixtures.withRules(base, Fixtures.rules(aggs, d, j, limit, order), privacy);
        });
    }
}
