package io.veil.sandbox.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Per-aggregate support for threshold contracts (docs/privacy.md §3). The hidden per-row entity count
 * sees every row of a group, but one aggregate can see fewer: {@code SUM(x) FILTER (WHERE cond)} only
 * the rows where cond holds, and every {@code AGG(x)} only the rows where x is not NULL. Each such
 * aggregate gets its own distinct-entity count under the same restriction, per protected table
 * occurrence, and is replaced by {@code CASE WHEN support >= k THEN AGG(...) END}: below k it is NULL
 * <em>before</em> anything else reads it, so neither the select list, HAVING, ORDER BY nor arithmetic
 * over aggregates ever sees the value of a small cell.
 *
 * <p>An aggregate with no FILTER over COUNT(*) needs no count of its own: it covers exactly the rows
 * the per-row threshold counts.
 */
final class AggregateSupport {
    private static final Set<String> AGGREGATES = Set.of("count_star", "count", "sum", "avg", "min", "max");

    private AggregateSupport() {
    }

    /** Whether column {@code column} of the table occurrence aliased {@code alias} is proven free of NULLs. */
    interface NonNull {
        boolean test(String alias, String column);
    }

    /** Gates every aggregate of the select list, HAVING and ORDER BY of {@code tree} (in place). */
    static void gate(ObjectNode tree, List<Rewriter.Protected> prot, int k, boolean rowsAreEntities, NonNull nonNull) {
        if (prot.isEmpty() || k <= 0) {
            return;
        }
        List<ObjectNode> found = new ArrayList<>();
        for (String clause : new String[] {"select_list", "having", "modifiers"}) {
            collect(tree.get(clause), found);
        }
        for (ObjectNode agg : found) {
            List<JsonNode> restriction = restriction(agg, nonNull);
            if (restriction.isEmpty()) {
                continue;
            }
            List<JsonNode> enough = new ArrayList<>();
            for (Rewriter.Protected p : prot) {
                enough.add(Nodes.atLeast(support(agg, p, restriction, rowsAreEntities), k));
            }
            ObjectNode original = agg.deepCopy();
            ObjectNode gated = Nodes.when(Nodes.and(enough), original);
            gated.set("alias", original.get("alias"));
            original.put("alias", "");
            agg.removeAll();
            agg.setAll(gated);
        }
    }

    /** Aggregates are never nested (the analyser refuses it), so collection stops at each one. */
    private static void collect(JsonNode n, List<ObjectNode> out) {
        if (n == null) {
            return;
        }
        if (n.isObject() && "FUNCTION".equals(n.path("class").asText())
                && AGGREGATES.contains(n.path("function_name").asText())) {
            out.add((ObjectNode) n);
            return;
        }
        for (JsonNode child : n) {
            collect(child, out);
        }
    }

    /** The aggregate's own row restriction beyond its group: its FILTER, and its argument not NULL. */
    private static List<JsonNode> restriction(ObjectNode agg, NonNull nonNull) {
        List<JsonNode> terms = new ArrayList<>();
        JsonNode filter = agg.get("filter");
        if (filter != null && !filter.isNull()) {
            terms.add(filter.deepCopy());
        }
        JsonNode children = agg.get("children");
        if (children != null && !children.isEmpty() && !provenNonNull(children.get(0), nonNull)) {
            terms.add(Nodes.isNotNull(children.get(0).deepCopy()));
        }
        return terms;
    }

    /** A qualified column (under value-keeping casts only, as the analyser allows) that ingest proved non-null. */
    private static boolean provenNonNull(JsonNode arg, NonNull nonNull) {
        JsonNode n = arg;
        while ("CAST".equals(n.path("class").asText())) {
            n = n.get("child");
        }
        JsonNode names = n.path("column_names");
        return "COLUMN_REF".equals(n.path("class").asText()) && names.size() == 2
                && nonNull.test(names.get(0).asText(), names.get(1).asText());
    }

    /**
     * Distinct entities of {@code p} among the rows the aggregate reads. When every row is its own
     * entity (one table, ingest-proven unique ids) that is just the aggregate's row count: COUNT(x) or
     * COUNT(*) under the same FILTER, which DuckDB computes in the same pass at almost no cost.
     */
    private static JsonNode support(ObjectNode agg, Rewriter.Protected p, List<JsonNode> restriction, boolean rowsAreEntities) {
        JsonNode children = agg.get("children");
        JsonNode filter = agg.get("filter");
        if (rowsAreEntities) {
            ObjectNode count = children == null || children.isEmpty() ? Nodes.function("count_star", false)
                    : Nodes.function("count", false, children.get(0).deepCopy());
            if (filter != null && !filter.isNull()) count.set("filter", filter.deepCopy());
            return count;
        }
        ObjectNode count = Nodes.function("count", true, Nodes.column(p.table().alias(), p.entity()));
        List<JsonNode> terms = new ArrayList<>();
        restriction.forEach(t -> terms.add(t.deepCopy()));
        count.set("filter", Nodes.and(terms));
        return count;
    }
}
