package io.veil.sandbox.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Name resolution over the FROM occurrences, following DuckDB's case-insensitive identifiers. */
final class Scope {
    final List<TableRef> tables = new ArrayList<>();

    TableRef add(String alias, TableBinding binding) {
        String key = alias.toLowerCase(Locale.ROOT);
        if (key.startsWith("__veil")) {
            throw Reject.unsupported("names starting with __veil are reserved");
        }
        for (TableRef t : tables) {
            if (t.alias().toLowerCase(Locale.ROOT).equals(key)) {
                throw new Reject(Codes.AMBIGUOUS_COLUMN, "table name " + alias + " is used twice; give each an alias");
            }
        }
        TableRef ref = new TableRef(tables.size(), alias, binding);
        tables.add(ref);
        return ref;
    }

    /** True when some table has a column of this name (used to forbid select aliases that shadow columns). */
    boolean isTableColumn(String name) {
        return tables.stream().anyMatch(t -> t.binding().column(name).isPresent());
    }

    /**
     * Resolves a COLUMN_REF's name parts. Returns null only for an unqualified name no table has, so the
     * caller may try a select alias; every other failure rejects.
     */
    ResolvedColumn resolve(JsonNode names) {
        if (names.size() == 1) {
            String col = names.get(0).asText();
            ResolvedColumn found = null;
            for (TableRef t : tables) {
                var c = t.binding().column(col);
                if (c.isPresent()) {
                    if (found != null) {
                        throw new Reject(Codes.AMBIGUOUS_COLUMN, "column " + col + " exists in more than one table; qualify it");
                    }
                    found = new ResolvedColumn(t, c.get());
                }
            }
            return found;
        }
        if (names.size() == 2) {
            String qualifier = names.get(0).asText();
            String col = names.get(1).asText();
            for (TableRef t : tables) {
                if (t.alias().equalsIgnoreCase(qualifier)) {
                    return t.binding().column(col).map(c -> new ResolvedColumn(t, c))
                            .orElseThrow(() -> new Reject(Codes.UNKNOWN_COLUMN, "unknown column " + qualifier + "." + col));
                }
            }
            // DuckDB would try a struct field access here; we only know tables.
            throw new Reject(Codes.UNKNOWN_COLUMN, "unknown column " + qualifier + "." + col);
        }
        throw Reject.unsupported("column references with more than two name parts");
    }
}
