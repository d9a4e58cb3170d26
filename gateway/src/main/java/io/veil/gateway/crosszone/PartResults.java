package io.veil.gateway.crosszone;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.gateway.api.ApiException;
import io.veil.sandbox.ResultTable;
import org.springframework.http.HttpStatus;

import java.util.ArrayList;
import java.util.List;

/** A peer zone's released part table, read strictly: {columns, types, rows} of scalar cells only. */
final class PartResults {
    static final int MAX_ROWS = 100_000;

    private PartResults() {}

    static ResultTable table(JsonNode n) {
        List<String> columns = strings(n.path("columns"));
        List<String> types = strings(n.path("types"));
        JsonNode rows = n.path("rows");
        if (columns.isEmpty() || types.size() != columns.size() || !rows.isArray() || rows.size() > MAX_ROWS) throw invalid();
        List<List<Object>> out = new ArrayList<>();
        for (JsonNode r : rows) {
            if (!r.isArray() || r.size() != columns.size()) throw invalid();
            List<Object> row = new ArrayList<>();
            for (JsonNode c : r) row.add(cell(c));
            out.add(row);
        }
        return new ResultTable(columns, types, out);
    }

    private static Object cell(JsonNode c) {
        if (c.isNull()) return null;
        if (c.isTextual()) return c.asText();
        if (c.isBoolean()) return c.asBoolean();
        if (c.isIntegralNumber() && c.canConvertToLong()) return c.asLong();
        if (c.isNumber()) return c.asDouble();
        throw invalid();
    }

    private static List<String> strings(JsonNode a) {
        if (!a.isArray()) throw invalid();
        List<String> out = new ArrayList<>();
        for (JsonNode s : a) {
            if (!s.isTextual() || s.asText().length() > 64) throw invalid();
            out.add(s.asText());
        }
        return out;
    }

    private static ApiException invalid() {
        return new ApiException(HttpStatus.BAD_GATEWAY, "PEER_ANSWER_INVALID", "the peer zone's released part is malformed");
    }
}
