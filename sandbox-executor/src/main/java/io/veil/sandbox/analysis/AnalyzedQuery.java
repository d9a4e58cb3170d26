package io.veil.sandbox.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.policy.QueryFootprint;
import java.util.List;

/**
 * An accepted query: its footprint for the policy engine and what the rewriter needs.
 *
 * @param footprint           datasets, column uses and features, for {@code PolicyEngine}
 * @param tables              FROM occurrences, left to right
 * @param items               the select list
 * @param grouped             has a GROUP BY (else one global row)
 * @param hasHaving           has a HAVING clause
 * @param orderByAggregate    an ORDER BY term sorts on an aggregate value
 * @param distinct            SELECT DISTINCT
 * @param limit               the LIMIT value, or null
 * @param normalized          the parse tree's SELECT node with every column reference qualified by its
 *                            table alias (same meaning, but no name resolution left to guesswork)
 */
public record AnalyzedQuery(QueryFootprint footprint, List<TableRef> tables, List<SelectItem> items, boolean grouped,
                            boolean hasHaving, boolean orderByAggregate, boolean distinct, Long limit,
                            JsonNode normalized) {
    public AnalyzedQuery {
        tables = List.copyOf(tables);
        items = List.copyOf(items);
        normalized = normalized.deepCopy();
    }

    /** A private copy of the normalized tree, for rewriting. */
    public ObjectNode tree() {
        return (ObjectNode) normalized.deepCopy();
    }
}
