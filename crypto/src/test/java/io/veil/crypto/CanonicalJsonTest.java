package io.veil.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalJsonTest {
    private static String canon(String json) {
        return new String(CanonicalJson.canonicalize(json), StandardCharsets.UTF_8);
    }

    @Test
    void canonicalizesTheRfc8785SampleObject() {
        String input = """
                {
                  "numbers": [333333333.33333329, 1E30, 4.50,
                              2e-3, 0.000000000000000000000000001],
                  "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
                  "literals": [null, true, false]
                }""";
        assertThat(canon(input)).isEqualTo(
                "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                        + "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
    }

    @Test
    void sortsKeysByUtf16CodeUnitsAsInRfc8785() {
        String input = """
                {
                  "\\u20ac": "Euro Sign",
                  "\\r": "Carriage Return",
                  "\\ufb33": "Hebrew Letter Dalet With Dagesh",
                  "1": "One",
                  "\\ud83d\\ude00": "Emoji: Grinning Face",
                  "\\u0080": "Control",
                  "\\u00f6": "Latin Small Letter O With Diaeresis"
                }""";
        assertThat(canon(input)).isEqualTo("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\","
                + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
    }

    @Test
    void sortsNestedObjectsAndRemovesWhitespace() {
        assertThat(canon(" { \"b\" : [ 1 , { \"z\":1, \"a\" : \"x\" } ] , \"a\" : { } } "))
                .isEqualTo("{\"a\":{},\"b\":[1,{\"a\":\"x\",\"z\":1}]}");
        assertThat(canon("[]")).isEqualTo("[]");
        assertThat(canon("\"x\"")).isEqualTo("\"x\"");
    }

    @Test
    void escapesControlCharactersOnly() {
        assertThat(canon("\"\\u0000\\u001f\\b\\f\\t\\u007f\\u2028</\"")).isEqualTo("\"\\u0000\\u001f\\b\\f\\t\u007f\u2028</\"");
    }

    /** Number vectors from RFC 8785 Appendix B (IEEE-754 bits → expected text). */
    @ParameterizedTest
    @CsvSource({
        "0000000000000000, 0",
        "8000000000000000, 0",
        "0000000000000001, 5e-324",
        "8000000000000001, -5e-324",
        "7fefffffffffffff, 1.7976931348623157e+308",
        "ffefffffffffffff, -1.7976931348623157e+308",
        "4340000000000000, 9007199254740992",
        "c340000000000000, -9007199254740992",
        "4430000000000000, 295147905179352830000",
        "44b52d02c7e14af5, 9.999999999999997e+22",
        "44b52d02c7e14af6, 1e+23",
        "44b52d02c7e14af7, 1.0000000000000001e+23",
        "444b1ae4d6e2ef4e, 999999999999999700000",
        "444b1ae4d6e2ef4f, 999999999999999900000",
        "444b1ae4d6e2ef50, 1e+21",
        "3eb0c6f7a0b5ed8c, 9.999999999999997e-7",
        "3eb0c6f7a0b5ed8d, 0.000001",
        "41b3de4355555553, 333333333.3333332",
        "41b3de4355555554, 333333333.33333325",
        "41b3de4355555555, 333333333.3333333",
        "41b3de4355555556, 333333333.3333334",
        "41b3de4355555557, 333333333.33333343",
        "becbf647612f3696, -0.0000033333333333333333",
        "43143ff3c1cb0959, 1424953923781206.2",
        "3e7ad7f29abcaf48, 1e-7",
    })
    void formatsRfc8785NumberVectors(String bits, String expected) {
        assertThat(EcmaNumbers.format(Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16)))).isEqualTo(expected);
    }

    /** ~9,600 vectors produced by Node.js String(number); regenerate with jcs-number-vectors.gen.js. */
    @Test
    void formatsNumbersExactlyLikeEcmaScript() throws Exception {
        List<String> lines;
        try (var in = getClass().getResourceAsStream("/jcs-number-vectors.txt")) {
            lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList();
        }
        assertThat(lines).hasSizeGreaterThan(9000);
        for (String line : lines) {
            String[] parts = line.split(" ");
            double d = Double.longBitsToDouble(Long.parseUnsignedLong(parts[0], 16));
            assertThat(EcmaNumbers.format(d)).as(parts[0]).isEqualTo(parts[1]);
        }
    }

    @Test
    void numbersAreCanonicalizedAsDoubles() {
        assertThat(canon("[1.0, -0, 1E2, 0.1e1, 100000000000000000000000, 18446744073709551616, 1e-7, 123456789012345678]"))
                .isEqualTo("[1,0,100,1,1e+23,18446744073709552000,1e-7,123456789012345680]");
    }

    @Test
    void rejectsDuplicateKeys() {
        assertThatThrownBy(() -> CanonicalJson.canonicalize("{\"a\":1,\"b\":{\"c\":1,\"c\":2}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e400", "-1e400", "NaN", "[Infinity]"})
    void rejectsNonFiniteNumbers(String json) {
        assertThatThrownBy(() -> CanonicalJson.canonicalize(json)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{", "{\"a\":1} x", "[1,]", "{'a':1}", "01", "[1] [2]", "\"\\ud800\"", "{\"\\udc00\":1}",
        "// c\n1", "\"tab\there\""})
    void rejectsInvalidJsonAndLoneSurrogates(String json) {
        assertThatThrownBy(() -> CanonicalJson.canonicalize(json)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errorMessagesNeverEchoTheDocument() {
        String secret = "patient-0042-diagnosis";
        for (String json : List.of("{\"k\":\"" + secret + "\",\"k\":1}", "{\"k\": " + secret + "}", "[\"" + secret + "\"] " + secret)) {
            assertThatThrownBy(() -> CanonicalJson.canonicalize(json))
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret).doesNotContain("patient"))
                    .hasNoCause();
        }
    }

    @Test
    void canonicalizesJacksonTreesIncludingBigDecimals() throws Exception {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("z", new BigDecimal("4.50"));
        node.put("a", 10L);
        node.putArray("m").add(1.5f).addNull().add(true);
        assertThat(new String(CanonicalJson.canonicalize(node), StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":10,\"m\":[1.5,null,true],\"z\":4.5}");
        var parsed = new ObjectMapper().readTree("{\"b\":2,\"a\":1}");
        assertThat(CanonicalJson.canonicalize(parsed)).isEqualTo(CanonicalJson.canonicalize("{\"a\":1,\"b\":2}"));
        assertThatThrownBy(() -> CanonicalJson.canonicalize(JsonNodeFactory.instance.numberNode(Double.NaN)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void canonicalFormIsAFixedPoint() {
        String once = canon("{\"b\":[1e21, 0.1, -5e-324, \"\\u00e9\"], \"a\": null}");
        assertThat(canon(once)).isEqualTo(once);
    }
}
