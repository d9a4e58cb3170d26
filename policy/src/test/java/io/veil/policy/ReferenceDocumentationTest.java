package io.veil.policy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Codes are API: every one the code can emit must be documented in the offers reference. */
class ReferenceDocumentationTest {
    private static final Pattern CODE = Pattern.compile(
            "\"((?:OFFER|CONTRACT|POLICY|BUDGET|FOOTPRINT|DATASET|COLUMN|AGGREGATE|DIMENSION|JOIN|FEATURE|PRIVACY|QUOTA"
                    + "|ASSIGNEE|PURPOSE|UNKNOWN|PSI)_[A-Z_]+)\"");

    @Test
    void everyEmittedCodeIsDocumented() throws IOException {
        // The reference starts as policy/OFFERS.md and may be moved to docs/offers.md.
        Path doc = Stream.of(Path.of("OFFERS.md"), Path.of("../docs/offers.md")).filter(Files::exists).findFirst().orElseThrow();
        String text = Files.readString(doc);
        Set<String> codes = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = CODE.matcher(Files.readString(f));
                while (m.find()) {
                    codes.add(m.group(1));
                }
            }
        }
        assertThat(codes).hasSizeGreaterThan(50);
        assertThat(codes).allSatisfy(code -> assertThat(text).as(code).contains("`" + code + "`"));
    }
}
