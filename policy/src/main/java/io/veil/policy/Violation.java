package io.veil.policy;

import java.util.Objects;

/**
 * One reason an input was refused: a stable machine code, the JSON path (dotted, with [i] for array
 * elements, "$" for the whole document) and a message that names fields but never echoes values.
 */
public record Violation(String code, String path, String message) {
    public Violation {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }
}
