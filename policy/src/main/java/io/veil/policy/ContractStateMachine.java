package io.veil.policy;

import java.util.Map;
import java.util.Set;

/**
 * The only legal contract transitions; everything else is refused with a {@link Violation}:
 * {@code CONTRACT_ILLEGAL_TRANSITION} (the action is not possible from that state) or
 * {@code CONTRACT_ACTOR_NOT_ALLOWED} (possible, but not by this actor).
 */
public final class ContractStateMachine {
    private record Edge(ContractState from, ContractAction action) {
    }

    private record Target(ContractState to, Set<Actor> actors) {
    }

    /** {@code from == null} stands for "no contract yet", the only state REQUEST starts from. */
    private static final Map<Edge, Target> EDGES = Map.of(
            new Edge(null, ContractAction.REQUEST), new Target(ContractState.REQUESTED, Set.of(Actor.CONSUMER)),
            new Edge(ContractState.REQUESTED, ContractAction.ACCEPT), new Target(ContractState.AGREED, Set.of(Actor.PROVIDER)),
            new Edge(ContractState.REQUESTED, ContractAction.REJECT), new Target(ContractState.REJECTED, Set.of(Actor.PROVIDER)),
            new Edge(ContractState.AGREED, ContractAction.REVOKE),
            new Target(ContractState.REVOKED, Set.of(Actor.PROVIDER, Actor.CONSUMER)),
            new Edge(ContractState.AGREED, ContractAction.EXPIRE), new Target(ContractState.EXPIRED, Set.of(Actor.SYSTEM)),
            new Edge(ContractState.AGREED, ContractAction.EXHAUST), new Target(ContractState.EXHAUSTED, Set.of(Actor.SYSTEM)));

    private ContractStateMachine() {
    }

    /** A new contract: only a consumer requests one. */
    public static Result<ContractState> request(Actor actor) {
        return transition(null, ContractAction.REQUEST, actor);
    }

    /** @param from the current state, or null when no contract exists yet (only REQUEST is legal then) */
    public static Result<ContractState> transition(ContractState from, ContractAction action, Actor actor) {
        Target t = action == null ? null : EDGES.get(new Edge(from, action));
        if (t == null) {
            return Result.err("CONTRACT_ILLEGAL_TRANSITION", "state",
                    action + " is not possible from " + (from == null ? "no contract" : from.name()));
        }
        if (actor == null || !t.actors().contains(actor)) {
            return Result.err("CONTRACT_ACTOR_NOT_ALLOWED", "actor",
                    action + " from " + (from == null ? "no contract" : from.name()) + " may only be done by " + t.actors());
        }
        return Result.ok(t.to());
    }
}
