package io.veil.ledger;

/** The stored log does not verify: an entry was modified, removed, reordered, or the checkpoint forged. */
public class LedgerTamperedException extends RuntimeException {
    public enum Kind { MODIFIED, REORDERED, REMOVED, BAD_SIGNATURE, CHECKPOINT_FORGED, CHECKPOINT_MISMATCH, CORRUPT }

    private final Kind kind;
    private final long seq;

    public LedgerTamperedException(Kind kind, long seq, String message) {
        super(message);
        this.kind = kind;
        this.seq = seq;
    }

    public Kind kind() { return kind; }

    public long seq() { return seq; }
}
