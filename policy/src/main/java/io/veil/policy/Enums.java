package io.veil.policy;

import java.util.Optional;

/** Strict enum lookup: exact constant name only — no trimming, no case folding, no ordinals. */
final class Enums {
    private Enums() {
    }

    static <E extends Enum<E>> Optional<E> parse(Class<E> type, String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
