package io.veil.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ContractStateMachineTest {
    /** The complete legal table, written out independently of the implementation. */
    private static final Map<String, ContractState> LEGAL = Map.of(
            "null REQUEST CONSUMER", ContractState.REQUESTED,
            "REQUESTED ACCEPT PROVIDER", ContractState.AGREED,
            "REQUESTED REJECT PROVIDER", ContractState.REJECTED,
            "AGREED REVOKE PROVIDER", ContractState.REVOKED,
            "AGREED REVOKE CONSUMER", ContractState.REVOKED,
            "AGREED EXPIRE SYSTEM", ContractState.EXPIRED,
            "AGREED EXHAUST SYSTEM", ContractState.EXHAUSTED);

    /** Every (state or no contract) × action × actor, including null action and actor. */
    static Stream<Arguments> everyTriple() {
        List<ContractState> froms = new ArrayList<>();
        froms.add(null);
        froms.addAll(List.of(ContractState.values()));
        List<ContractAction> actions = new ArrayList<>(List.of(ContractAction.values()));
        actions.add(null);
        List<Actor> actors = new ArrayList<>(List.of(Actor.values()));
        actors.add(null);
        Stream.Builder<Arguments> b = Stream.builder();
        for (ContractState from : froms) {
            for (ContractAction action : actions) {
                for (Actor actor : actors) {
                    b.add(arguments(from, action, actor));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("everyTriple")
    void onlyListedTransitionsAreLegal(ContractState from, ContractAction action, Actor actor) {
        Result<ContractState> r = ContractStateMachine.transition(from, action, actor);
        ContractState expected = LEGAL.get(from + " " + action + " " + actor);
        if (expected != null) {
            assertThat(r).isEqualTo(Result.ok(expected));
        } else {
            assertThat(r.isOk()).isFalse();
            assertThat(r.violations()).singleElement().extracting(Violation::code)
                    .isIn("CONTRACT_ILLEGAL_TRANSITION", "CONTRACT_ACTOR_NOT_ALLOWED");
        }
    }

    @Test
    void onlyTheProviderAccepts() {
        assertThat(ContractStateMachine.transition(ContractState.REQUESTED, ContractAction.ACCEPT, Actor.CONSUMER).violations())
                .extracting(Violation::code).containsExactly("CONTRACT_ACTOR_NOT_ALLOWED");
    }

    @Test
    void terminalStatesAreFinal() {
        for (ContractState s : ContractState.values()) {
            if (s.isTerminal()) {
                for (ContractAction a : ContractAction.values()) {
                    for (Actor actor : Actor.values()) {
                        assertThat(ContractStateMachine.transition(s, a, actor).violations()).extracting(Violation::code)
                                .containsExactly("CONTRACT_ILLEGAL_TRANSITION");
                    }
                }
            }
        }
    }

    @Test
    void onlyAConsumerRequests() {
        assertThat(ContractStateMachine.request(Actor.CONSUMER)).isEqualTo(Result.ok(ContractState.REQUESTED));
        assertThat(ContractStateMachine.request(Actor.PROVIDER).isOk()).isFalse();
    }
}
