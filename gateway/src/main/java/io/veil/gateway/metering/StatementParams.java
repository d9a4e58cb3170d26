package io.veil.gateway.metering;

import io.veil.gateway.api.ApiException;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;

/**
 * Strict statement parameters: only the listed names, each at most once; {@code from} and {@code to} are
 * ISO-8601 date-times with offset (the same format as offers), half-open [from, to), at most 366 days.
 * Messages name the parameter, never its value.
 */
record StatementParams(Instant from, Instant to, Map<String, String> others) {
    static final Duration MAX_PERIOD = Duration.ofDays(366);

    static StatementParams parse(Map<String, String[]> query, Set<String> optional) {
        for (Map.Entry<String, String[]> e : query.entrySet()) {
            if (!e.getKey().equals("from") && !e.getKey().equals("to") && !optional.contains(e.getKey())) {
                throw ApiException.badRequest("UNKNOWN_PARAMETER", "unknown parameter; allowed: from, to" + (optional.isEmpty() ? "" : ", " + String.join(", ", optional)));
            }
            if (e.getValue().length != 1) throw ApiException.badRequest("DUPLICATE_PARAMETER", "parameter " + e.getKey() + " given more than once");
        }
        Instant from = instant(query, "from");
        Instant to = instant(query, "to");
        if (!from.isBefore(to)) throw ApiException.badRequest("INVALID_PERIOD", "from must be before to");
        if (Duration.between(from, to).compareTo(MAX_PERIOD) > 0) {
            throw ApiException.badRequest("PERIOD_TOO_LONG", "a statement covers at most 366 days");
        }
        Map<String, String> others = new java.util.TreeMap<>();
        optional.forEach(name -> {
            if (query.containsKey(name)) others.put(name, query.get(name)[0]);
        });
        return new StatementParams(from, to, others);
    }

    private static Instant instant(Map<String, String[]> query, String name) {
        String[] v = query.get(name);
        if (v == null) throw ApiException.badRequest("MISSING_PARAMETER", "parameter " + name + " is required");
        try {
            if (v[0].length() > 64) throw new DateTimeParseException("too long", v[0], 0);
            return OffsetDateTime.parse(v[0]).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("INVALID_PARAMETER", "parameter " + name + " must be an ISO-8601 date-time with offset");
        }
    }
}
