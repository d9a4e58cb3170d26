package io.veil.ledger.embedded;

import io.veil.ledger.EventType;
import io.veil.ledger.LedgerEvent;
import io.veil.ledger.LedgerQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * In-memory index rebuilt on open: seq → frame offset, type and time (so type/time filters never
 * touch the disk), eventId → seq (idempotent appends), subject → seqs. Role-qualified subject kinds
 * are indexed under their own name and their base kind ({@code providerOrg} and {@code org}).
 * Monitor-synchronised: every operation is short.
 */
final class LedgerIndex {
    /** What the index needs from an event. */
    record Summary(String eventId, EventType type, Instant occurredAt, Map<String, String> subjects) {
        static Summary of(LedgerEvent e) {
            return new Summary(e.eventId(), e.type(), e.occurredAt(), e.subjects());
        }
    }

    private final LongList offsets = new LongList();
    private final LongList seconds = new LongList();
    private int[] nanos = new int[1024];
    private byte[] types = new byte[1024];
    private final Map<String, Long> byEventId = new HashMap<>();
    private final Map<String, LongList> bySubject = new HashMap<>();

    synchronized void add(long seq, long offset, Summary s) {
        if (seq != offsets.size()) {
            throw new IllegalStateException("index out of step: seq " + seq + ", expected " + offsets.size());
        }
        offsets.add(offset);
        seconds.add(s.occurredAt().getEpochSecond());
        if (seq >= types.length) {
            types = Arrays.copyOf(types, types.length * 2);
            nanos = Arrays.copyOf(nanos, nanos.length * 2);
        }
        types[(int) seq] = (byte) s.type().ordinal();
        nanos[(int) seq] = s.occurredAt().getNano();
        byEventId.put(s.eventId(), seq);
        s.subjects().forEach((kind, id) -> {
            addSubject(kind, id, seq);
            addSubject(LedgerEvent.baseKind(kind), id, seq);
        });
    }

    private void addSubject(String kind, String id, long seq) {
        LongList list = bySubject.computeIfAbsent(kind + '\u0000' + id, k -> new LongList());
        if (list.size() == 0 || list.get(list.size() - 1) != seq) {
            list.add(seq);
        }
    }

    synchronized Long seqOf(String eventId) {
        return byEventId.get(eventId);
    }

    synchronized long offset(long seq) {
        return offsets.get(seq);
    }

    synchronized long size() {
        return offsets.size();
    }

    /** Up to {@code max} seqs below {@code durable} that match {@code q}, in order. */
    synchronized List<Long> select(LedgerQuery q, long durable, int max) {
        List<Long> out = new ArrayList<>();
        if (q.subjectKind() != null) {
            LongList list = bySubject.get(q.subjectKind() + '\u0000' + q.subjectId());
            if (list == null) {
                return out;
            }
            for (int i = list.firstAbove(q.afterSeq()); i < list.size() && out.size() < max; i++) {
                long seq = list.get(i);
                if (seq >= durable) {
                    break;
                }
                if (matchesTypeAndTime(q, seq)) {
                    out.add(seq);
                }
            }
            return out;
        }
        for (long seq = q.afterSeq() + 1; seq < durable && out.size() < max; seq++) {
            if (matchesTypeAndTime(q, seq)) {
                out.add(seq);
            }
        }
        return out;
    }

    private boolean matchesTypeAndTime(LedgerQuery q, long seq) {
        if (!q.types().isEmpty() && !q.types().contains(EventType.values()[types[(int) seq]])) {
            return false;
        }
        Instant at = Instant.ofEpochSecond(seconds.get(seq), nanos[(int) seq]);
        return (q.from() == null || !at.isBefore(q.from())) && (q.to() == null || at.isBefore(q.to()));
    }

    /** Growable long array. */
    static final class LongList {
        private long[] a = new long[8];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        long get(long i) {
            if (i < 0 || i >= n) {
                throw new IndexOutOfBoundsException("seq " + i);
            }
            return a[(int) i];
        }

        int size() {
            return n;
        }

        /** Index of the first element greater than {@code v} (elements are ascending). */
        int firstAbove(long v) {
            int lo = 0;
            int hi = n;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (a[mid] <= v) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }
}
