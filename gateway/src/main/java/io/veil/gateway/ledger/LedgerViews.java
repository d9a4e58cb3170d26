package io.veil.gateway.ledger;

import io.veil.crypto.Hex;
import io.veil.gateway.api.ApiException;
import io.veil.ledger.EventType;
import io.veil.ledger.LedgerEntry;
import io.veil.ledger.LedgerQuery;
import io.veil.ledger.LedgerResult;
import io.veil.ledger.SignedCheckpoint;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** JSON shapes of the auditor API and the parsing of its query parameters (400 INVALID_PARAMETER on anything odd). */
final class LedgerViews {
    private LedgerViews() {}

    record EntryView(long seq, String eventId, String type, String zone, Instant occurredAt, Map<String, String> subjects,
                     Map<String, Object> attributes, String leafHash, String keyId, String entry) {}

    record CheckpointView(String origin, long treeSize, String rootHash, String note) {}

    record ProofView(long leafIndex, long treeSize, String leafHash, List<String> auditPath) {}

    record ConsistencyView(long fromSize, long toSize, List<String> path) {}

    static EntryView entry(LedgerEntry e) {
        return new EntryView(e.seq(), e.event().eventId(), e.event().type().wireName(), e.event().zone(), e.event().occurredAt(),
                e.event().subjects(), e.event().attributes(), Hex.encode(e.leafHash()), e.keyId(),
                Base64.getEncoder().encodeToString(e.entryBytes()));
    }

    static CheckpointView checkpoint(SignedCheckpoint c) {
        return new CheckpointView(c.origin(), c.treeSize(), Hex.encode(c.rootHash()), c.note());
    }

    static List<String> hex(List<byte[]> path) {
        return path.stream().map(Hex::encode).toList();
    }

    /** Unwraps a proof result: out of range is the caller's mistake (400), unsupported is the backend's (501). */
    static <T> T orProblem(LedgerResult<T> r) {
        if (r instanceof LedgerResult.Failure<T> f) {
            if (f.reason() == LedgerResult.Reason.UNSUPPORTED) {
                throw new ApiException(org.springframework.http.HttpStatus.NOT_IMPLEMENTED, "LEDGER_PROOFS_UNSUPPORTED",
                        "this zone's ledger backend does not produce Merkle proofs");
            }
            throw ApiException.badRequest("LEDGER_OUT_OF_RANGE", f.message());
        }
        return r.orElseThrow();
    }

    /** subject=kind:id, type=A,B, from/to=ISO-8601 instants, after=seq, limit=1..1000. */
    static LedgerQuery query(String subject, String types, String from, String to, long after, int limit) {
        String kind = null;
        String id = null;
        if (subject != null) {
            int colon = subject.indexOf(':');
            if (colon <= 0 || colon == subject.length() - 1) {
                throw ApiException.badRequest("INVALID_PARAMETER", "subject must be kind:id, e.g. dataset:<id>");
            }
            kind = subject.substring(0, colon);
            id = subject.substring(colon + 1);
        }
        try {
            return new LedgerQuery(kind, id, types(types), instant("from", from), instant("to", to), after, limit);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("INVALID_PARAMETER", e.getMessage());
        }
    }

    private static Set<EventType> types(String csv) {
        if (csv == null || csv.isBlank()) {
            return Set.of();
        }
        Set<EventType> out = EnumSet.noneOf(EventType.class);
        for (String t : csv.split(",", -1)) {
            out.add(EventType.fromWireName(t.trim()).orElseThrow(
                    () -> ApiException.badRequest("INVALID_PARAMETER", "unknown event type; use names such as ContractAgreed")));
        }
        return out;
    }

    private static Instant instant(String name, String v) {
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("INVALID_PARAMETER", name + " must be an ISO-8601 instant such as 2026-01-01T00:00:00Z");
        }
    }
}
