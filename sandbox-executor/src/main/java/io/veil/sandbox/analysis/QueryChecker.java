package io.veil.sandbox.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.policy.Aggregate;
import io.veil.policy.JobType;
import io.veil.policy.QueryFootprint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Checks one SELECT_NODE clause by clause and builds the {@link AnalyzedQuery}. */
final class QueryChecker {
    private static final Set<String> SELECT_KEYS = Set.of("type", "modifiers", "cte_map", "select_list", "from_table",
            "where_clause", "group_expressions", "group_sets", "aggregate_handling", "having", "sample", "qualify");
    private static final Set<String> NULL_ORDERS = Set.of("ORDER_DEFAULT", "NULLS_FIRST", "NULLS_LAST", "NULLS FIRST", "NULLS LAST");
    static final int MAX_SELECT_ITEMS = 64;

    private final DuckDbParser parser;
    private final Map<String, TableBinding> bindings;
    private final Scope scope = new Scope();
    private final Uses uses = new Uses();
    private final ExprWalker walker = new ExprWalker(scope, uses);
    private Long limit;
    private boolean distinct;
    private JsonNode orders;

    QueryChecker(DuckDbParser parser, Map<String, TableBinding> bindings) {
        this.parser = parser;
        this.bindings = bindings;
    }

    AnalyzedQuery check(ObjectNode node) {
        Tree.onlyKeys(node, SELECT_KEYS, "query");
        Tree.onlyKeys(node.get("cte_map"), Set.of("map"), "WITH clause");
        if (!Tree.emptyArray(node.get("cte_map"), "map")) {
            throw new Reject(Codes.CTE_NOT_ALLOWED, "WITH (common table expressions) is not allowed");
        }
        if (!Tree.isNull(node, "sample")) {
            throw new Reject(Codes.SAMPLING, "USING SAMPLE is not allowed");
        }
        if (!Tree.isNull(node, "qualify")) {
            throw new Reject(Codes.WINDOW_FUNCTION, "QUALIFY is not allowed");
        }
        if (!"STANDARD_HANDLING".equals(Tree.text(node, "aggregate_handling"))) {
            throw Reject.unsupported("GROUP BY ALL; list the grouped expressions");
        }
        modifiers(Tree.array(node, "modifiers"));
        new FromClause(bindings, scope, uses).read(node.get("from_table"));
        forbiddenClasses(node);

        JsonNode select = Tree.array(node, "select_list");
        if (select.isEmpty() || select.size() > MAX_SELECT_ITEMS) {
            throw new Reject(Codes.TOO_COMPLEX, "the select list must have between 1 and " + MAX_SELECT_ITEMS + " items");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode item : select) {
            names.add(outputName(item));
        }
        selectAliases(select);
        groupBy(node, select);

        List<SelectItem> items = new ArrayList<>();
        for (int i = 0; i < select.size(); i++) {
            JsonNode item = select.get(i);
            walker.walk(item, ExprWalker.Ctx.of(Place.SELECT, true), true);
            items.add(describe(item, names.get(i)));
        }
        if (walker.aggregates == 0) {
            throw new Reject(Codes.NOT_AGGREGATE, "only aggregates can be released; add COUNT, SUM, AVG, MIN or MAX");
        }
        if (!Tree.isNull(node, "where_clause")) {
            ExprWalker.condition(walker.walk(node.get("where_clause"), ExprWalker.Ctx.of(Place.WHERE, false), false));
            uses.feature("WHERE");
        }
        boolean having = !Tree.isNull(node, "having");
        if (having) {
            ExprWalker.condition(walker.walk(node.get("having"), ExprWalker.Ctx.of(Place.HAVING, true), false));
            uses.feature("HAVING");
        }
        boolean orderByAggregate = orderBy(select);
        walker.total.apply(); // only now: every group key was matched against the query as written
        Set<String> datasetIds = scope.tables.stream().map(t -> t.binding().datasetId()).collect(Collectors.toSet());
        QueryFootprint fp = new QueryFootprint(JobType.SQL, datasetIds, new ArrayList<>(uses.uses), uses.features);
        boolean grouped = !Tree.array(node, "group_expressions").isEmpty();
        return new AnalyzedQuery(fp, scope.tables, items, grouped, having, orderByAggregate, distinct, limit, node);
    }

    /**
     * Constructs that are wrong wherever they appear are reported by their own code before the
     * clause-by-clause checks, so a window function is called a window function, not an ungrouped column.
     */
    private static void forbiddenClasses(JsonNode n) {
        if (n.isObject()) {
            switch (n.path("class").asText("")) {
                case "WINDOW" -> throw new Reject(Codes.WINDOW_FUNCTION, "window functions are not allowed");
                case "SUBQUERY" -> throw new Reject(Codes.SUBQUERY_NOT_ALLOWED, "subqueries are not allowed");
                case "STAR" -> throw new Reject(Codes.STAR_NOT_ALLOWED,
                        "SELECT *, t.* and COLUMNS(...) are not allowed; name the aggregates you need");
                default -> { }
            }
        }
        for (JsonNode child : n) {
            forbiddenClasses(child);
        }
    }

    private void modifiers(JsonNode modifiers) {
        for (JsonNode m : modifiers) {
            String type = Tree.text(m, "type");
            switch (type) {
                case "ORDER_MODIFIER" -> {
                    Tree.onlyKeys(m, Set.of("type", "orders"), "ORDER BY");
                    if (orders != null) {
                        throw Reject.unsupported("more than one ORDER BY");
                    }
                    orders = Tree.array(m, "orders");
                    uses.feature("ORDER_BY");
                }
                case "LIMIT_MODIFIER", "LIMIT_PERCENT_MODIFIER" -> {
                    Tree.onlyKeys(m, Set.of("type", "limit", "offset"), "LIMIT");
                    if (!Tree.isNull(m, "offset")) {
                        throw new Reject(Codes.OFFSET_NOT_ALLOWED, "OFFSET is not allowed");
                    }
                    if (type.equals("LIMIT_PERCENT_MODIFIER")) {
                        throw Reject.unsupported("LIMIT with a percentage");
                    }
                    limit = Literals.smallInteger(m.get("limit"));
                    if (limit == null || Tree.isNull(m, "limit")) {
                        throw Reject.unsupported("LIMIT must be a constant whole number");
                    }
                    uses.feature("LIMIT");
                }
                case "DISTINCT_MODIFIER" -> {
                    Tree.onlyKeys(m, Set.of("type", "distinct_on_targets"), "DISTINCT");
                    if (!Tree.emptyArray(m, "distinct_on_targets")) {
                        throw Reject.unsupported("DISTINCT ON");
                    }
                    distinct = true;
                    uses.feature("DISTINCT");
                }
                default -> throw Reject.unsupported("query modifier " + type);
            }
        }
    }

    /** Select aliases may not shadow table columns: DuckDB resolves such names differently per clause. */
    private void selectAliases(JsonNode select) {
        for (JsonNode item : select) {
            String alias = Tree.textOr(item, "alias", "");
            if (alias.isEmpty()) {
                continue;
            }
            String key = alias.toLowerCase(Locale.ROOT);
            if (key.startsWith("__veil")) {
                throw Reject.unsupported("names starting with __veil are reserved");
            }
            boolean sameColumn = "COLUMN_REF".equals(Tree.textOr(item, "class", ""))
                    && item.path("column_names").size() > 0
                    && item.get("column_names").get(item.get("column_names").size() - 1).asText().equalsIgnoreCase(alias);
            if ((scope.isTableColumn(alias) && !sameColumn) || walker.selectAliases.containsKey(key)) {
                throw new Reject(Codes.AMBIGUOUS_COLUMN, "output name " + alias + " is ambiguous; choose another alias");
            }
            walker.selectAliases.put(key, item);
        }
    }

    private void groupBy(JsonNode node, JsonNode select) {
        JsonNode groups = Tree.array(node, "group_expressions");
        JsonNode sets = Tree.array(node, "group_sets");
        if (!plainGrouping(groups.size(), sets)) {
            throw new Reject(Codes.GROUPING_SETS, "ROLLUP, CUBE and GROUPING SETS are not allowed");
        }
        for (JsonNode g : groups) {
            JsonNode expr = groupTarget(g, select);
            walker.walk(expr, ExprWalker.Ctx.of(Place.GROUP_BY, false), expr != g);
            walker.groupKeys.add(walker.canon(expr));
        }
        if (!groups.isEmpty()) {
            uses.feature("GROUP_BY");
        }
    }

    /** Exactly one grouping set containing every group expression (or none at all). */
    private static boolean plainGrouping(int n, JsonNode sets) {
        if (n == 0) {
            return sets.isEmpty() || (sets.size() == 1 && sets.get(0).isEmpty());
        }
        if (sets.size() != 1 || sets.get(0).size() != n) {
            return false;
        }
        Set<Integer> seen = new HashSet<>();
        for (JsonNode i : sets.get(0)) {
            if (!i.canConvertToInt() || i.asInt() < 0 || i.asInt() >= n || !seen.add(i.asInt())) {
                return false;
            }
        }
        return true;
    }

    /** GROUP BY 2 and GROUP BY alias refer to select items; anything else is the expression itself. */
    private JsonNode groupTarget(JsonNode g, JsonNode select) {
        if ("CONSTANT".equals(Tree.textOr(g, "class", ""))) {
            Long pos = Literals.smallInteger(g);
            if (pos == null || pos < 1 || pos > select.size()) {
                throw Reject.unsupported("grouping by a constant");
            }
            return select.get((int) (pos - 1));
        }
        JsonNode aliased = aliasTarget(g);
        return aliased != null ? aliased : g;
    }

    private JsonNode aliasTarget(JsonNode e) {
        if ("COLUMN_REF".equals(Tree.textOr(e, "class", "")) && e.path("column_names").size() == 1
                && scope.resolve(e.get("column_names")) == null) {
            return walker.selectAliases.get(e.get("column_names").get(0).asText().toLowerCase(Locale.ROOT));
        }
        return null;
    }

    private SelectItem describe(JsonNode item, String name) {
        String cls = Tree.text(item, "class");
        if (cls.equals("FUNCTION")) {
            Aggregate agg = Functions.AGGREGATES.get(Tree.text(item, "function_name").toLowerCase(Locale.ROOT));
            if (agg != null) {
                JsonNode children = item.get("children");
                ResolvedColumn arg = children.isEmpty() ? null : argumentColumn(children.get(0));
                return new SelectItem(name, SelectItem.Kind.AGGREGATE, agg, Tree.flag(item, "distinct"), arg);
            }
        }
        SelectItem.Kind kind = walker.groupKeys.contains(walker.canon(item)) ? SelectItem.Kind.GROUP_KEY : SelectItem.Kind.EXPRESSION;
        return new SelectItem(name, kind, null, false, null);
    }

    /** The column under an aggregate when the argument is just that column, possibly cast. */
    private ResolvedColumn argumentColumn(JsonNode arg) {
        JsonNode n = arg;
        while ("CAST".equals(Tree.textOr(n, "class", ""))) {
            n = n.get("child");
        }
        return "COLUMN_REF".equals(Tree.textOr(n, "class", "")) ? scope.resolve(n.get("column_names")) : null;
    }

    /** Returns whether any ORDER BY term sorts on an aggregate value. */
    private boolean orderBy(JsonNode select) {
        if (orders == null) {
            return false;
        }
        boolean onAggregate = false;
        for (JsonNode o : orders) {
            Tree.onlyKeys(o, Set.of("type", "null_order", "expression"), "ORDER BY term");
            if (!Set.of("ORDER_DEFAULT", "ASCENDING", "DESCENDING").contains(Tree.text(o, "type"))
                    || !NULL_ORDERS.contains(Tree.text(o, "null_order"))) {
                throw Reject.unsupported("ORDER BY option");
            }
            JsonNode e = o.get("expression");
            JsonNode target = e;
            if ("CONSTANT".equals(Tree.textOr(e, "class", ""))) {
                Long pos = Literals.smallInteger(e);
                if (pos == null || pos < 1 || pos > select.size()) {
                    throw Reject.unsupported("ORDER BY a constant");
                }
                target = select.get((int) (pos - 1));
            } else if (aliasTarget(e) != null) {
                target = aliasTarget(e);
            }
            int before = walker.aggregates;
            walker.walk(target, ExprWalker.Ctx.of(Place.ORDER_BY, true), target != e);
            onAggregate |= walker.aggregates > before;
        }
        return onAggregate;
    }

    /** The user's alias, else the name DuckDB gives the column (its printed expression). */
    private String outputName(JsonNode item) {
        String alias = Tree.textOr(item, "alias", "");
        if (!alias.isEmpty()) {
            return alias;
        }
        if ("COLUMN_REF".equals(Tree.textOr(item, "class", "")) && item.path("column_names").size() > 0) {
            JsonNode names = item.get("column_names");
            return names.get(names.size() - 1).asText();
        }
        ObjectNode q = parser.selectTemplate();
        q.putArray("select_list").add(item.deepCopy());
        String sql = parser.deserialize(q);
        return sql.startsWith("SELECT ") ? sql.substring("SELECT ".length()) : sql;
    }
}
