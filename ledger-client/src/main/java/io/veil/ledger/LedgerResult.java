package io.veil.ledger;

import java.util.Objects;

/**
 * Outcome of an operation that can fail for expected reasons (a proof for a seq beyond the tree, or
 * a backend without Merkle proofs). Bugs and tampering are exceptions instead.
 */
public sealed interface LedgerResult<T> {
    enum Reason {
        /** The backend does not offer this capability (e.g. Merkle proofs on a non-Merkle ledger). */
        UNSUPPORTED,
        /** The seq or tree size is outside what the ledger holds. */
        OUT_OF_RANGE
    }

    record Success<T>(T value) implements LedgerResult<T> {
        public Success {
            Objects.requireNonNull(value);
        }
    }

    record Failure<T>(Reason reason, String message) implements LedgerResult<T> {}

    static <T> LedgerResult<T> success(T value) {
        return new Success<>(value);
    }

    static <T> LedgerResult<T> failure(Reason reason, String message) {
        return new Failure<>(reason, message);
    }

    default boolean isSuccess() {
        return this instanceof Success;
    }

    /** The value, or an IllegalStateException carrying the failure reason. */
    default T orElseThrow() {
        if (this instanceof Success<T> s) {
            return s.value();
        }
        Failure<T> f = (Failure<T>) this;
        throw new IllegalStateException(f.reason() + ": " + f.message());
    }
}
