package io.veil.ledger;

/** One way the stored log differs from what was written and signed; {@code seq} is -1 when not tied to an entry. */
public record TamperFinding(Kind kind, long seq, String detail) {
    public enum Kind {
        /** An entry's bytes changed (checksum, signature or hash mismatch). */
        MODIFIED,
        /** An entry is missing: the sequence jumps over it. */
        REMOVED,
        /** Entries are out of order or duplicated. */
        REORDERED,
        /** The log is shorter than a signed checkpoint says it was. */
        TRUNCATED,
        /** A checkpoint's signature does not verify under a key of this ledger. */
        FORGED_CHECKPOINT,
        /** The entries are intact individually but do not hash to the signed or committed root. */
        ROOT_MISMATCH,
        /** The log names a signing key the verifier was not told to trust. */
        UNTRUSTED_KEY
    }

    @Override
    public String toString() {
        return kind + (seq >= 0 ? " at seq " + seq : "") + ": " + detail;
    }
}
