package io.veil.ledger;

import java.util.List;
import java.util.stream.Collectors;

/** The stored log does not verify: an entry was modified, removed, reordered, or the checkpoint forged. */
public class LedgerTamperedException extends RuntimeException {
    public enum Kind { MODIFIED, REORDERED, REMOVED, BAD_SIGNATURE, CHECKPOINT_FORGED, CHECKPOINT_MISMATCH, CORRUPT }

    private final Kind kind;
    private final long seq;
    private final List<TamperFinding> findings;

    public LedgerTamperedException(Kind kind, long seq, String message) {
        super(message);
        this.kind = kind;
        this.seq = seq;
        this.findings = List.of();
    }

    /** Everything a verification found; kind and seq are those of the first finding. */
    public LedgerTamperedException(String where, List<TamperFinding> findings) {
        super(where + " does not verify: " + findings.stream().limit(20).map(TamperFinding::toString)
                .collect(Collectors.joining("; ")) + (findings.size() > 20 ? "; … " + (findings.size() - 20) + " more" : ""));
        if (findings.isEmpty()) {
            throw new IllegalArgumentException("no findings");
        }
        this.findings = List.copyOf(findings);
        this.kind = kindOf(findings.get(0).kind());
        this.seq = findings.get(0).seq();
    }

    private static Kind kindOf(TamperFinding.Kind k) {
        return switch (k) {
            case MODIFIED -> Kind.MODIFIED;
            case REMOVED, TRUNCATED -> Kind.REMOVED;
            case REORDERED -> Kind.REORDERED;
            case FORGED_CHECKPOINT -> Kind.CHECKPOINT_FORGED;
            case ROOT_MISMATCH -> Kind.CHECKPOINT_MISMATCH;
            case UNTRUSTED_KEY -> Kind.BAD_SIGNATURE;
        };
    }

    public Kind kind() { return kind; }

    public long seq() { return seq; }

    /** The individual findings (empty when thrown for a single problem found while reading). */
    public List<TamperFinding> findings() { return findings; }
}
