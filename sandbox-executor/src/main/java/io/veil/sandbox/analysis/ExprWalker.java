package io.veil.sandbox.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.policy.Aggregate;
import io.veil.policy.ColumnRole;
import io.veil.policy.UseKind;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Walks every expression of the query, fail closed: each node class, operator and function must be
 * explicitly recognised. Along the way it records the footprint, qualifies column references, and
 * enforces the role rules that do not depend on any offer (identifiers never inside expressions,
 * aggregates only where SQL aggregates, every output grouped or aggregated).
 */
final class ExprWalker {
    static final Set<String> COLUMN_KEYS = Set.of("class", "type", "alias", "query_location", "column_names");
    private static final Set<String> FUNCTION_KEYS = Set.of("class", "type", "alias", "query_location", "function_name",
            "schema", "children", "filter", "order_bys", "distinct", "is_operator", "export_state", "catalog");
    private static final Set<String> BINARY_KEYS = Set.of("class", "type", "alias", "query_location", "left", "right");
    private static final Set<String> CHILDREN_KEYS = Set.of("class", "type", "alias", "query_location", "children");
    static final int MAX_DEPTH = 40;
    static final int MAX_NODES = 3000;

    /** Walk state: where we are, the enclosing aggregate, and whether we are inside a condition. */
    record Ctx(Place place, Aggregate agg, boolean condition, boolean grouped, int depth) {
        static Ctx of(Place place, boolean grouped) {
            return new Ctx(place, null, false, grouped, 0);
        }

        Ctx deeper() {
            return new Ctx(place, agg, condition, grouped, depth + 1);
        }

        Ctx asCondition() {
            return new Ctx(place, agg, true, grouped, depth + 1);
        }

        Ctx inAggregate(Aggregate fn) {
            return new Ctx(place, fn, false, false, depth + 1);
        }

        Ctx groupKey() {
            return new Ctx(place, agg, condition, false, depth);
        }
    }

    private final Scope scope;
    private final Uses uses;
    final Set<String> groupKeys = new HashSet<>();
    final Map<String, JsonNode> selectAliases = new HashMap<>();
    int aggregates;
    private int nodes;

    ExprWalker(Scope scope, Uses uses) {
        this.scope = scope;
        this.uses = uses;
    }

    void walk(JsonNode e, Ctx c, boolean itemRoot) {
        if (++nodes > MAX_NODES || c.depth() > MAX_DEPTH) {
            throw new Reject(Codes.TOO_COMPLEX, "the query is too large or too deeply nested");
        }
        if (!itemRoot && !Tree.noAlias(e)) {
            throw Reject.unsupported("aliases inside expressions");
        }
        String cls = Tree.text(e, "class");
        if (c.grouped() && c.agg() == null && !groupKeys.isEmpty() && !cls.equals("CONSTANT")
                && groupKeys.contains(canon(e))) {
            walk(e, c.groupKey(), itemRoot);
            nodes--;
            return;
        }
        switch (cls) {
            case "COLUMN_REF" -> column(e, c);
            case "CONSTANT" -> Literals.check(e);
            case "FUNCTION" -> function(e, c);
            case "COMPARISON" -> {
                Tree.onlyKeys(e, BINARY_KEYS, "comparison");
                if (!Functions.COMPARISONS.contains(Tree.text(e, "type"))) {
                    throw Reject.unsupported("comparison " + Tree.text(e, "type"));
                }
                walk(e.get("left"), c.asCondition(), false);
                walk(e.get("right"), c.asCondition(), false);
            }
            case "CONJUNCTION" -> {
                Tree.onlyKeys(e, CHILDREN_KEYS, "conjunction");
                String t = Tree.text(e, "type");
                if (!t.equals("CONJUNCTION_AND") && !t.equals("CONJUNCTION_OR")) {
                    throw Reject.unsupported("conjunction " + t);
                }
                for (JsonNode ch : Tree.array(e, "children")) {
                    walk(ch, c.asCondition(), false);
                }
            }
            case "OPERATOR" -> operator(e, c);
            case "CASE" -> caseExpr(e, c);
            case "CAST" -> cast(e, c);
            case "BETWEEN" -> {
                Tree.onlyKeys(e, Set.of("class", "type", "alias", "query_location", "input", "lower", "upper"), "BETWEEN");
                for (String f : new String[] {"input", "lower", "upper"}) {
                    walk(e.get(f), c.asCondition(), false);
                }
            }
            case "SUBQUERY" -> throw new Reject(Codes.SUBQUERY_NOT_ALLOWED, "subqueries are not allowed");
            case "WINDOW" -> throw new Reject(Codes.WINDOW_FUNCTION, "window functions are not allowed");
            case "STAR" -> throw new Reject(Codes.STAR_NOT_ALLOWED, "SELECT *, t.* and COLUMNS(...) are not allowed; name the aggregates you need");
            default -> throw Reject.unsupported("expression " + cls);
        }
    }

    private void column(JsonNode e, Ctx c) {
        Tree.onlyKeys(e, COLUMN_KEYS, "column reference");
        JsonNode names = Tree.array(e, "column_names");
        ResolvedColumn rc = scope.resolve(names);
        if (rc == null) {
            String name = names.get(0).asText();
            JsonNode aliased = (c.place() == Place.HAVING || c.place() == Place.ORDER_BY) && c.agg() == null
                    ? selectAliases.get(name.toLowerCase(Locale.ROOT)) : null;
            if (aliased == null) {
                throw new Reject(Codes.UNKNOWN_COLUMN, "unknown column " + name);
            }
            walk(aliased, c, true);
            return;
        }
        ColumnRole role = rc.column().role();
        if (isIdentifier(role)) {
            throw new Reject(Codes.IDENTIFIER_EXPRESSION, "column " + rc.column().name() + " has role " + role
                    + " and may only be used in join conditions and COUNT(DISTINCT " + rc.column().name() + ")");
        }
        if (c.grouped() && c.agg() == null) {
            throw new Reject(Codes.NOT_AGGREGATE, "column " + rc.column().name()
                    + " must be in GROUP BY or inside an aggregate");
        }
        FromClause.qualify((ObjectNode) e, rc);
        uses.add(rc, kind(c), c.agg());
    }

    static boolean isIdentifier(ColumnRole role) {
        return role == ColumnRole.ENTITY_ID || role == ColumnRole.QUASI_IDENTIFIER || role == ColumnRole.JOIN_KEY;
    }

    private static UseKind kind(Ctx c) {
        if (c.agg() != null) {
            return c.condition() ? UseKind.FILTER : UseKind.AGGREGATE_ARG;
        }
        return switch (c.place()) {
            case WHERE, HAVING -> UseKind.FILTER;
            case GROUP_BY -> UseKind.GROUP_BY;
            case ORDER_BY -> UseKind.ORDER_BY;
            case SELECT -> c.condition() ? UseKind.FILTER : UseKind.OUTPUT_RAW;
        };
    }

    private void function(JsonNode e, Ctx c) {
        Tree.onlyKeys(e, FUNCTION_KEYS, "function call");
        String name = Tree.text(e, "function_name").toLowerCase(Locale.ROOT);
        if (!Tree.textOr(e, "schema", "").isEmpty() || !Tree.textOr(e, "catalog", "").isEmpty()) {
            throw new Reject(Codes.FUNCTION_NOT_ALLOWED, "function " + name + " is not allowed");
        }
        if (Tree.flag(e, "export_state")) {
            throw Reject.unsupported("EXPORT_STATE");
        }
        Aggregate agg = Functions.AGGREGATES.get(name);
        if (agg != null) {
            aggregate(e, name, agg, c);
            return;
        }
        int[] arity = Functions.SCALARS.get(name);
        if (arity == null) {
            throw new Reject(Codes.FUNCTION_NOT_ALLOWED, "function " + name + " is not allowed");
        }
        if (!Tree.isNull(e, "filter") || Tree.flag(e, "distinct") || !orderBysEmpty(e)) {
            throw Reject.unsupported("FILTER, DISTINCT or ORDER BY on scalar function " + name);
        }
        JsonNode children = Tree.array(e, "children");
        if (children.size() < arity[0] || children.size() > arity[1]) {
            throw new Reject(Codes.FUNCTION_NOT_ALLOWED, "function " + name + " called with an unsupported number of arguments");
        }
        if (name.equals("date_trunc")) {
            String part = Literals.string(children.get(0));
            if (part == null || !Functions.DATE_PARTS.contains(part.toLowerCase(Locale.ROOT))) {
                throw new Reject(Codes.FUNCTION_NOT_ALLOWED, "date_trunc only accepts a constant year, quarter, month, week or day");
            }
            walk(children.get(1), c.deeper(), false);
            return;
        }
        if (name.equals("round") && children.size() == 2) {
            Long digits = Literals.smallInteger(children.get(1));
            if (digits == null || digits > 10) {
                throw new Reject(Codes.FUNCTION_NOT_ALLOWED, "round only accepts a constant number of digits up to 10");
            }
        }
        for (JsonNode ch : children) {
            walk(ch, c.deeper(), false);
        }
    }

    private void aggregate(JsonNode e, String name, Aggregate agg, Ctx c) {
        if (c.agg() != null) {
            throw new Reject(Codes.NESTED_AGGREGATE, "aggregates cannot be nested");
        }
        if (c.place() == Place.WHERE || c.place() == Place.GROUP_BY) {
            throw new Reject(Codes.AGGREGATE_MISPLACED, "aggregates are not allowed in " + (c.place() == Place.WHERE ? "WHERE" : "GROUP BY"));
        }
        if (!orderBysEmpty(e)) {
            throw Reject.unsupported("ORDER BY inside an aggregate");
        }
        boolean distinct = Tree.flag(e, "distinct");
        if (distinct && agg != Aggregate.COUNT) {
            throw Reject.unsupported("DISTINCT inside " + name + " (only COUNT(DISTINCT ...) is supported)");
        }
        JsonNode children = Tree.array(e, "children");
        if (children.size() != (name.equals("count_star") ? 0 : 1)) {
            throw new Reject(Codes.FUNCTION_NOT_ALLOWED, "aggregate " + name + " called with an unsupported number of arguments");
        }
        aggregates++;
        Ctx inner = c.inAggregate(agg);
        if (children.isEmpty()) {
            uses.countStar(scope.tables);
        } else if (agg == Aggregate.COUNT && "COLUMN_REF".equals(Tree.textOr(children.get(0), "class", ""))) {
            // COUNT(col) / COUNT(DISTINCT col) is the one place identifiers may appear outside joins.
            JsonNode ref = children.get(0);
            Tree.onlyKeys(ref, COLUMN_KEYS, "column reference");
            if (!Tree.noAlias(ref)) {
                throw Reject.unsupported("aliases inside expressions");
            }
            ResolvedColumn rc = scope.resolve(Tree.array(ref, "column_names"));
            if (rc == null) {
                throw new Reject(Codes.UNKNOWN_COLUMN, "unknown column " + ref.get("column_names").get(0).asText());
            }
            FromClause.qualify((ObjectNode) ref, rc);
            uses.add(rc, UseKind.AGGREGATE_ARG, Aggregate.COUNT);
        } else {
            walk(children.get(0), inner, false);
        }
        if (!Tree.isNull(e, "filter")) {
            walk(e.get("filter"), inner.asCondition(), false);
        }
    }

    private static boolean orderBysEmpty(JsonNode e) {
        JsonNode ob = e.get("order_bys");
        return ob == null || ob.isNull() || Tree.emptyArray(ob, "orders");
    }

    private void operator(JsonNode e, Ctx c) {
        Tree.onlyKeys(e, CHILDREN_KEYS, "operator");
        String t = Tree.text(e, "type");
        JsonNode children = Tree.array(e, "children");
        switch (t) {
            case "OPERATOR_NOT", "OPERATOR_IS_NULL", "OPERATOR_IS_NOT_NULL" -> {
                if (children.size() != 1) {
                    throw Reject.unsupported("operator arity");
                }
            }
            case "COMPARE_IN", "COMPARE_NOT_IN" -> {
                if (children.size() - 1 > Functions.MAX_IN_LIST) {
                    throw new Reject(Codes.TOO_COMPLEX, "IN lists are limited to " + Functions.MAX_IN_LIST + " values");
                }
            }
            case "OPERATOR_COALESCE" -> {
                if (children.size() > 16) {
                    throw new Reject(Codes.TOO_COMPLEX, "COALESCE is limited to 16 arguments");
                }
                for (JsonNode ch : children) {
                    walk(ch, c.deeper(), false);
                }
                return;
            }
            default -> throw Reject.unsupported("operator " + t);
        }
        for (JsonNode ch : children) {
            walk(ch, c.asCondition(), false);
        }
    }

    private void caseExpr(JsonNode e, Ctx c) {
        Tree.onlyKeys(e, Set.of("class", "type", "alias", "query_location", "case_checks", "else_expr"), "CASE");
        JsonNode checks = Tree.array(e, "case_checks");
        if (checks.size() > 50) {
            throw new Reject(Codes.TOO_COMPLEX, "CASE is limited to 50 branches");
        }
        for (JsonNode check : checks) {
            Tree.onlyKeys(check, Set.of("when_expr", "then_expr"), "CASE branch");
            walk(check.get("when_expr"), c.asCondition(), false);
            walk(check.get("then_expr"), c.deeper(), false);
        }
        if (!Tree.isNull(e, "else_expr")) {
            walk(e.get("else_expr"), c.deeper(), false);
        }
    }

    private void cast(JsonNode e, Ctx c) {
        Tree.onlyKeys(e, Set.of("class", "type", "alias", "query_location", "child", "cast_type", "try_cast"), "CAST");
        JsonNode type = e.get("cast_type");
        Tree.onlyKeys(type, Set.of("id", "type_info"), "CAST type");
        String id = Tree.text(type, "id");
        boolean ok = Functions.CAST_TYPES.contains(id) && Tree.isNull(type, "type_info")
                || id.equals("DECIMAL") && type.path("type_info").path("width").asInt(99) <= 18;
        if (!ok) {
            throw Reject.unsupported("CAST to " + id);
        }
        walk(e.get("child"), c.deeper(), false);
    }

    /**
     * A comparable form of an expression: fields in DuckDB's order, aliases and source positions dropped,
     * column references replaced by the occurrence and column they resolve to, so {@code region} and
     * {@code s.REGION} compare equal.
     */
    String canon(JsonNode n) {
        StringBuilder sb = new StringBuilder();
        canon(n, sb);
        return sb.toString();
    }

    private void canon(JsonNode n, StringBuilder sb) {
        if (n.isObject()) {
            if ("COLUMN_REF".equals(n.path("class").asText()) && n.get("column_names") != null) {
                ResolvedColumn rc = scope.resolve(n.get("column_names"));
                sb.append(rc == null ? "?" + n.get("column_names").get(0).asText().toLowerCase(Locale.ROOT)
                        : "#" + rc.table().index() + "." + rc.column().name().toLowerCase(Locale.ROOT));
                return;
            }
            sb.append('{');
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("alias") || f.getKey().equals("query_location")) {
                    continue;
                }
                sb.append(f.getKey()).append(':');
                canon(f.getValue(), sb);
                sb.append(',');
            }
            sb.append('}');
        } else if (n.isArray()) {
            sb.append('[');
            for (JsonNode x : n) {
                canon(x, sb);
                sb.append(',');
            }
            sb.append(']');
        } else {
            sb.append(n.toString());
        }
    }
}
