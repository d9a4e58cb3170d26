package io.veil.gateway.products;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.gateway.api.ApiException;
import io.veil.sandbox.ResultTable;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * A released table as the CSV the ordinary ingest path reads, with a leading row key (1..n). The
 * bytes exist only in memory; ingest encrypts them as it parses. Ingest infers types from text, so
 * after ingest every column's stored type is checked against the result's (a text column of digits
 * would otherwise turn into numbers): a product holds exactly the released values or is refused.
 */
final class ProductCsv {
    private ProductCsv() {}

    static byte[] write(String rowKey, ResultTable t) {
        StringBuilder sb = new StringBuilder(rowKey);
        for (String c : t.columns()) sb.append(',').append(c);
        sb.append('\n');
        long n = 0;
        for (List<Object> row : t.rows()) {
            sb.append(++n);
            for (Object v : row) {
                sb.append(',');
                if (v != null) field(sb, v.toString());
            }
            sb.append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void field(StringBuilder sb, String s) {
        if (s.isEmpty() || s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0
                || !s.equals(s.strip())) {
            sb.append('"').append(s.replace("\"", "\"\"")).append('"');
        } else {
            sb.append(s);
        }
    }

    static boolean numeric(String duckType) {
        return integral(duckType) || floating(duckType);
    }

    private static boolean integral(String t) {
        String u = t.toUpperCase(Locale.ROOT);
        return u.matches("(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|U?HUGEINT|INT[1248])");
    }

    private static boolean floating(String t) {
        String u = t.toUpperCase(Locale.ROOT);
        return u.equals("DOUBLE") || u.equals("FLOAT") || u.equals("REAL") || u.startsWith("DECIMAL") || u.startsWith("NUMERIC");
    }

    /** The stored type a result column must have come out as; null when any is acceptable (no value to infer from). */
    static String expected(String duckType, boolean hasValue) {
        if (!hasValue) return null;
        String u = duckType.toUpperCase(Locale.ROOT);
        if (integral(u)) return "BIGINT";
        if (floating(u)) return "DOUBLE";
        if (u.equals("BOOLEAN")) return "BOOLEAN";
        if (u.equals("DATE")) return "DATE";
        return "VARCHAR";
    }

    static void requireTypesPreserved(ResultTable t, String schemaJson, ObjectMapper json) {
        JsonNode schema;
        try {
            schema = json.readTree(schemaJson);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("corrupt stored schema");
        }
        for (int i = 0; i < t.columns().size(); i++) {
            final int col = i;
            boolean hasValue = t.rows().stream().anyMatch(r -> r.get(col) != null);
            String want = expected(t.types().get(i), hasValue);
            String got = schema.get(i + 1).path("type").asText();
            // A DOUBLE column whose released values are all integral may print without a fraction only if
            // the engine returned them as integers; either way the numbers are the same.
            boolean same = want == null || want.equals(got) || want.equals("DOUBLE") && got.equals("BIGINT");
            if (!same) {
                throw ApiException.unprocessable("PRODUCT_TYPE_NOT_PRESERVED", "column " + t.columns().get(i)
                        + " would be stored as " + got + " instead of " + want + "; cast it in the job's SELECT");
            }
        }
    }
}
