package io.veil.policy;

/** Quotes identifiers for messages, defensively: trimmed to a short length and stripped of control characters. */
final class Names {
    private static final int MAX = 64;

    private Names() {
    }

    static String quote(String name) {
        if (name == null) {
            return "(none)";
        }
        StringBuilder b = new StringBuilder("'");
        name.codePoints().limit(MAX).filter(cp -> !Character.isISOControl(cp)).forEach(b::appendCodePoint);
        return b.append(name.codePointCount(0, name.length()) > MAX ? "…'" : "'").toString();
    }
}
