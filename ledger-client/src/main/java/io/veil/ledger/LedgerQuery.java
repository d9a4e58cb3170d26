package io.veil.ledger;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Which entries to read: optionally one subject (kind + id; a base kind such as {@code org} also
 * matches role-qualified kinds such as {@code providerOrg}), a set of types (empty = all), an
 * occurredAt window [from, to), entries after {@code afterSeq} (-1 = from the start), at most
 * {@code limit} (1..1000) per page. Results are in sequence order.
 */
public record LedgerQuery(String subjectKind, String subjectId, Set<EventType> types, Instant from, Instant to,
                          long afterSeq, int limit) {
    public static final int MAX_LIMIT = 1000;

    public LedgerQuery {
        if ((subjectKind == null) != (subjectId == null)) {
            throw new IllegalArgumentException("subject kind and id go together");
        }
        if (subjectKind != null && LedgerEvent.baseKind(subjectKind) == null) {
            throw new IllegalArgumentException("unknown subject kind '" + subjectKind + "'");
        }
        types = types == null ? Set.of() : Set.copyOf(types);
        if (afterSeq < -1) {
            throw new IllegalArgumentException("afterSeq must be ≥ -1");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT);
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
    }

    public static LedgerQuery all() {
        return new LedgerQuery(null, null, Set.of(), null, null, -1, MAX_LIMIT);
    }

    public static LedgerQuery subject(String kind, String id) {
        return new LedgerQuery(kind, id, Set.of(), null, null, -1, MAX_LIMIT);
    }

    public LedgerQuery withTypes(Set<EventType> t) {
        return new LedgerQuery(subjectKind, subjectId, t, from, to, afterSeq, limit);
    }

    public LedgerQuery between(Instant f, Instant t) {
        return new LedgerQuery(subjectKind, subjectId, types, f, t, afterSeq, limit);
    }

    public LedgerQuery after(long seq) {
        return new LedgerQuery(subjectKind, subjectId, types, from, to, seq, limit);
    }

    public LedgerQuery limit(int n) {
        return new LedgerQuery(subjectKind, subjectId, types, from, to, afterSeq, n);
    }

    /** Whether an entry at {@code seq} with this event belongs in the result (ignoring the limit). */
    public boolean matches(long seq, LedgerEvent e) {
        return seq > afterSeq && matchesSubject(e) && (types.isEmpty() || types.contains(e.type()))
                && (from == null || !e.occurredAt().isBefore(from)) && (to == null || e.occurredAt().isBefore(to));
    }

    private boolean matchesSubject(LedgerEvent e) {
        if (subjectKind == null) {
            return true;
        }
        boolean base = LedgerEvent.SUBJECT_KINDS.contains(subjectKind);
        for (Map.Entry<String, String> s : e.subjects().entrySet()) {
            boolean kindMatches = base ? subjectKind.equals(LedgerEvent.baseKind(s.getKey())) : subjectKind.equals(s.getKey());
            if (kindMatches && subjectId.equals(s.getValue())) {
                return true;
            }
        }
        return false;
    }
}
