package io.veil.policy;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/** Outcome of an operation that can be refused for an expected reason; refusals are values, not exceptions. */
public sealed interface Result<T> permits Result.Ok, Result.Err {

    record Ok<T>(T value) implements Result<T> {
        public Ok {
            Objects.requireNonNull(value, "value");
        }
    }

    /** Never empty: an error without a reason would be indistinguishable from a silent pass. */
    record Err<T>(List<Violation> violations) implements Result<T> {
        public Err {
            violations = List.copyOf(violations);
            if (violations.isEmpty()) {
                throw new IllegalArgumentException("Err needs at least one violation");
            }
        }
    }

    static <T> Result<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Result<T> err(List<Violation> violations) {
        return new Err<>(violations);
    }

    static <T> Result<T> err(String code, String path, String message) {
        return new Err<>(List.of(new Violation(code, path, message)));
    }

    default boolean isOk() {
        return this instanceof Ok;
    }

    /** The value; throws if this is an error — call only after {@link #isOk()}. */
    default T value() {
        if (this instanceof Ok<T> ok) {
            return ok.value();
        }
        throw new IllegalStateException("not ok: " + violations());
    }

    default List<Violation> violations() {
        return this instanceof Err<T> err ? err.violations() : List.of();
    }

    default <U> Result<U> map(Function<T, U> f) {
        return this instanceof Ok<T> ok ? new Ok<>(f.apply(ok.value())) : new Err<>(violations());
    }
}
