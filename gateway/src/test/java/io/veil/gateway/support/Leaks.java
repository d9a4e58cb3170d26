package io.veil.gateway.support;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leak checks over captured traffic. A raw value is looked for as a whole token — not preceded by a
 * letter, digit or '.', not followed by a letter or digit — so that a 5-digit metric is still caught as
 * {@code 71497} or {@code 71497.0} but is not "found" inside a hex digest such as {@code …a714973e…}
 * (which made a plain substring check fail about once in a hundred runs).
 */
public final class Leaks {
    private Leaks() {}

    public static void assertNoToken(String text, String value) {
        Pattern token = Pattern.compile("(?<![0-9A-Za-z.])" + Pattern.quote(value) + "(?![0-9A-Za-z])");
        assertThat(token.matcher(text).find()).as("raw value %s found in %s", value, text).isFalse();
    }
}
