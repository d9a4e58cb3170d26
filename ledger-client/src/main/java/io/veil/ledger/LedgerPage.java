package io.veil.ledger;

import java.util.List;

/**
 * One page of query results in sequence order. If {@code hasMore}, ask again with
 * {@code query.after(nextAfterSeq)}.
 */
public record LedgerPage(List<LedgerEntry> entries, boolean hasMore, long nextAfterSeq) {
    public LedgerPage {
        entries = List.copyOf(entries);
    }
}
