package io.veil.gateway.offers;

import io.veil.policy.Decision;
import io.veil.policy.Violation;
import org.springframework.http.HttpStatus;

import java.util.List;

/**
 * A refusal carrying every reason the policy module found. It becomes problem+json whose {@code code} is
 * the first reason's code and whose {@code violations} (offers, request bodies) or {@code reasons}
 * (policy decisions) list all of them, so a client can fix everything in one round trip.
 */
public class PolicyRefusal extends RuntimeException {
    /** One reason; {@code path} is null for decision reasons, which have none. */
    public record Item(String code, String path, String message) {}

    private final HttpStatus status;
    private final String listName;
    private final List<Item> items;

    private PolicyRefusal(HttpStatus status, String listName, List<Item> items) {
        super(items.get(0).message(), null, false, false);
        this.status = status;
        this.listName = listName;
        this.items = List.copyOf(items);
    }

    public static PolicyRefusal violations(HttpStatus status, List<Violation> violations) {
        return new PolicyRefusal(status, "violations",
                violations.stream().map(v -> new Item(v.code(), v.path(), v.message())).toList());
    }

    public static PolicyRefusal reasons(HttpStatus status, Decision denial) {
        return new PolicyRefusal(status, "reasons",
                denial.reasons().stream().map(r -> new Item(r.code(), null, r.message())).toList());
    }

    public HttpStatus status() { return status; }
    public String code() { return items.get(0).code(); }
    public String listName() { return listName; }
    public List<Item> items() { return items; }
}
