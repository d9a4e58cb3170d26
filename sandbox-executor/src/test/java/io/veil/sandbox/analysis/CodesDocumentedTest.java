package io.veil.sandbox.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Rejection codes are API: every one analysis or planning can emit is documented in docs/privacy.md. */
class CodesDocumentedTest {
    private static final Pattern CODE = Pattern.compile("\"((?:SQL|PLAN|DP)_[A-Z_]+)\"");

    @Test
    void everyAnalysisAndPlanningCodeIsDocumented() throws IOException {
        String doc = Files.readString(Path.of("../docs/privacy.md"));
        Set<String> codes = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/io/veil/sandbox"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = CODE.matcher(Files.readString(f));
                while (m.find()) codes.add(m.group(1));
            }
        }
        assertThat(codes).contains("SQL_AGGREGATE_ARGUMENT", "SQL_TYPE_MISMATCH", "DP_JOIN_UNSUPPORTED").hasSizeGreaterThan(35);
        assertThat(codes).allSatisfy(code -> assertThat(doc).as(code).contains("`" + code + "`"));
    }
}
