package io.veil.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Outcome of a policy evaluation. A denial carries every reason found, sorted and de-duplicated so the
 * same inputs always give an identical decision. Messages name columns and fields, never data values.
 */
public record Decision(boolean permitted, List<Reason> reasons) {
    private static final Comparator<Reason> ORDER = Comparator.comparing(Reason::code).thenComparing(Reason::message);

    public record Reason(String code, String message) {
        public Reason {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }

    public Decision {
        reasons = List.copyOf(reasons);
        // A permit with reasons or a denial without any would be ambiguous to callers and auditors.
        if (permitted != reasons.isEmpty()) {
            throw new IllegalArgumentException("a permit has no reasons and a denial has at least one");
        }
    }

    public static Decision permit() {
        return new Decision(true, List.of());
    }

    public static Decision deny(String code, String message) {
        return new Decision(false, List.of(new Reason(code, message)));
    }

    /** Permit when there are no reasons, else a denial with the reasons sorted and de-duplicated. */
    public static Decision of(Collection<Reason> reasons) {
        TreeSet<Reason> sorted = new TreeSet<>(ORDER);
        sorted.addAll(reasons);
        return sorted.isEmpty() ? permit() : new Decision(false, new ArrayList<>(sorted));
    }

    public List<String> codes() {
        return reasons.stream().map(Reason::code).distinct().toList();
    }
}
