package io.veil.gateway.jobs;

import io.veil.sandbox.ResultTable;

import java.util.List;

/** RFC 4180 CSV of a released result. */
final class Csv {
    private Csv() {}

    static String write(ResultTable t) {
        StringBuilder sb = new StringBuilder();
        line(sb, t.columns().stream().map(Object.class::cast).toList());
        for (List<Object> row : t.rows()) line(sb, row);
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<Object> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) sb.append(',');
            Object v = cells.get(i);
            if (v == null) continue;
            String s = v.toString();
            if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
                sb.append('"').append(s.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(s);
            }
        }
        sb.append("\r\n");
    }
}
