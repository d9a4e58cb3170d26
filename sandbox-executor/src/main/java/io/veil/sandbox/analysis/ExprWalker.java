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
 * explicitly recognised. Along the way it records the footprint, qualifies column references, types
 * every expression (to keep it total, {@link Totality}), and enforces the role rules that do not
 * depend on any offer (identifiers never inside expressions, aggregates only where SQL aggregates,
 * every output grouped or aggregated, an aggregate's argument a bare column: {@link AggregateArgument}).
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
    final Totality total = new Totality();
    final Set<String> groupKeys = new HashSet<>();
    final Map<String, JsonNode> selectAliases = new HashMap<>();
    int aggregates;
    private int nodes;

    ExprWalker(Scope scope, Uses uses) {
        this.scope = scope;
        this.uses = uses;
    }

    /** Checks {@code e} and returns its type. */
    SqlType walk(JsonNode e, Ctx c, boolean itemRoot) {
        if (++nodes > MAX_NODES || c.depth() > MAX_DEPTH) {
            throw new Reject(Codes.TOO_COMPLEX, "the query is too large or too deeply nested");
        }
        if (!itemRoot && !Tree.noAlias(e)) {
            throw Reject.unsupported("aliases inside expressions");
        }
        String cls = Tree.text(e, "class");
        if (c.grouped() && c.agg() == null && !groupKeys.isEmpty() && !cls.equals("CONSTANT")
                && groupKeys.contains(canon(e))) {
            SqlType t = walk(e, c.groupKey(), itemRoot);
            nodes--;
            return t;
        }
        return switch (cls) {
            case "COLUMN_REF" -> column(e, c);
            case "CONSTANT" -> Literals.check(e);
            case "FUNCTION" -> function(e, c);
            case "COMPARISON" -> {
                Tree.onlyKeys(e, BINARY_KEYS, "comparison");
                if (!Functions.COMPARISONS.contains(Tree.text(e, "type"))) {
                    throw Reject.unsupported("comparison " + Tree.text(e, "type"));
                }
                SqlType l = walk(e.get("left"), c.asCondition(), false);
                SqlType r = walk(e.get("right"), c.asCondition(), false);
                total.fit(e.get("left"), l, e.get("right"), r);
                yield SqlType.BOOLEAN;
            }
            case "CONJUNCTION" -> {
                Tree.onlyKeys(e, CHILDREN_KEYS, "conjunction");
                String t = Tree.text(e, "type");
                if (!t.equals("CONJUNCTION_AND") && !t.equals("CONJUNCTION_OR")) {
                    throw Reject.unsupported("conjunction " + t);
                }
                for (JsonNode ch : Tree.array(e, "children")) {
                    condition(walk(ch, c.asCondition(), false));
                }
                yield SqlType.BOOLEAN;
            }
            case "OPERATOR" -> operator(e, c);
            case "CASE" -> caseExpr(e, c);
            case "CAST" -> cast(e, c);
            case "BETWEEN" -> {
                Tree.onlyKeys(e, Set.of("class", "type", "alias", "query_location", "input", "lower", "upper"), "BETWEEN");
                SqlType in = walk(e.get("input"), c.asCondition(), false);
                SqlType lo = walk(e.get("lower"), c.asCondition(), false);
                SqlType hi = walk(e.get("upper"), c.asCondition(), false);
                total.fit(e.get("input"), in, e.get("lower"), lo);
                total.fit(e.get("input"), in, e.get("upper"), hi);
                yield SqlType.BOOLEAN;
            }
            case "SUBQUERY" -> throw new Reject(Codes.SUBQUERY_NOT_ALLOWED, "subqueries are not allowed");
            case "WINDOW" -> throw new Reject(Codes.WINDOW_FUNCTION, "window functions are not allowed");
            case "STAR" -> throw new Reject(Codes.STAR_NOT_ALLOWED, "SELECT *, t.* and COLUMNS(...) are not allowed; name the aggregates you need");
            default -> throw Reject.unsupported("expression " + cls);
        };
    }

    /** Conditions must be truth values; anything else would be converted row by row. */
    static void condition(SqlType t) {
        if (t != SqlType.BOOLEAN && t != SqlType.NULL && t != SqlType.UNKNOWN) {
            throw new Reject(Codes.TYPE_MISMATCH, "a condition must be true or false; got a value of type " + t);
        }
    }

    private SqlType column(JsonNode e, Ctx c) {
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
            return walk(aliased, c, true);
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
        return SqlType.ofColumn(rc.column().type());
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

    private SqlType function(JsonNode e, Ctx c) {
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
            return aggregate(e, name, agg, c);
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
            dateArgument(children.get(1), walk(children.get(1), c.deeper(), false), name);
            return SqlType.DATE;
        }
        if (name.equals("round") && children.size() == 2) {
            Long digits = Literals.smallInteger(children.get(1));
            if (digits == null || digits > 10) {
                throw new Reject(Codes.FUNCTION_NOT_ALLOWED, "round only accepts a constant number of digits up to 10");
            }
        }
        SqlType[] t = new SqlType[children.size()];
        for (int i = 0; i < children.size(); i++) {
            t[i] = walk(children.get(i), c.deeper(), false);
        }
        return scalarType(e, name, children, t);
    }

    /** The result type of an allowed scalar function; marks those that can overflow for TRY. */
    private SqlType scalarType(JsonNode e, String name, JsonNode children, SqlType[] t) {
        switch (name) {
            case "+", "-", "*" -> {
                for (SqlType x : t) Totality.arithmeticOperand(x, name);
                SqlType r = t.length == 1 ? t[0] : arithmetic(name, t[0], t[1]);
                if (r.canOverflow()) total.guard(e);
                return r;
            }
            case "/" -> {
                Totality.arithmeticOperand(t[0], name);
                Totality.arithmeticOperand(t[1], name);
                if (t[0] == SqlType.DATE || t[1] == SqlType.DATE) {
                    throw new Reject(Codes.TYPE_MISMATCH, "dates cannot be divided");
                }
                return SqlType.DOUBLE; // DuckDB's / is floating-point division: ±inf or NaN, never an error
            }
            case "abs", "round", "floor", "ceil", "ceiling" -> {
                if (!t[0].numeric() && t[0] != SqlType.NULL && t[0] != SqlType.UNKNOWN) {
                    throw new Reject(Codes.TYPE_MISMATCH, name + " needs a number; got " + t[0]);
                }
                if (name.equals("abs") && t[0].canOverflow()) total.guard(e); // abs of the smallest integer overflows
                return t[0];
            }
            case "coalesce" -> {
                return common(children, t);
            }
            case "lower", "upper" -> {
                return SqlType.VARCHAR;
            }
            case "year", "month" -> {
                dateArgument(children.get(0), t[0], name);
                return SqlType.INTEGER;
            }
            default -> throw new Reject(Codes.FUNCTION_NOT_ALLOWED, "function " + name + " is not allowed");
        }
    }

    private static SqlType arithmetic(String op, SqlType a, SqlType b) {
        if (a == SqlType.DATE || b == SqlType.DATE) {
            boolean ok = op.equals("+") ? !(a == SqlType.DATE && b == SqlType.DATE) : op.equals("-") && a == SqlType.DATE;
            if (!ok || (a != SqlType.DATE && !a.numeric() && a != SqlType.NULL) || (b != SqlType.DATE && !b.numeric() && b != SqlType.NULL)) {
                throw new Reject(Codes.TYPE_MISMATCH, "dates only take + and - with whole days, or - with another date");
            }
            return a == SqlType.DATE && b == SqlType.DATE ? SqlType.INTEGER : SqlType.DATE;
        }
        SqlType r = SqlType.unify(a, b);
        return r == null ? SqlType.UNKNOWN : r;
    }

    /** The common type of several operands that meet (COALESCE arguments, CASE results). */
    private SqlType common(JsonNode nodes, SqlType[] t) {
        SqlType r = t[0];
        JsonNode first = nodes.get(0);
        for (int i = 1; i < t.length; i++) {
            r = total.fit(first, r, nodes.get(i), t[i]);
        }
        return r;
    }

    private void dateArgument(JsonNode arg, SqlType t, String fn) {
        if (t == SqlType.VARCHAR && Literals.string(arg) != null) {
            total.fit(arg, t, null, SqlType.DATE);
        } else if (t != SqlType.DATE && t != SqlType.NULL) {
            throw new Reject(Codes.TYPE_MISMATCH, fn + " needs a date; got " + t);
        }
    }

    private SqlType aggregate(JsonNode e, String name, Aggregate agg, Ctx c) {
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
        SqlType arg = SqlType.NULL;
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
            arg = walk(children.get(0), inner, false); // first: an identifier or a nested aggregate is named as such
            AggregateArgument.check(children.get(0), name, scope);
        }
        if (!Tree.isNull(e, "filter")) {
            condition(walk(e.get("filter"), inner.asCondition(), false));
        }
        return switch (agg) {
            case COUNT -> SqlType.INTEGER;
            case AVG -> SqlType.DOUBLE;
            case SUM -> arg == SqlType.BOOLEAN ? SqlType.INTEGER : arg;
            case MIN, MAX -> arg;
        };
    }

    private static boolean orderBysEmpty(JsonNode e) {
        JsonNode ob = e.get("order_bys");
        return ob == null || ob.isNull() || Tree.emptyArray(ob, "orders");
    }

    private SqlType operator(JsonNode e, Ctx c) {
        Tree.onlyKeys(e, CHILDREN_KEYS, "operator");
        String t = Tree.text(e, "type");
        JsonNode children = Tree.array(e, "children");
        switch (t) {
            case "OPERATOR_NOT", "OPERATOR_IS_NULL", "OPERATOR_IS_NOT_NULL" -> {
                if (children.size() != 1) {
                    throw Reject.unsupported("operator arity");
                }
                SqlType x = walk(children.get(0), c.asCondition(), false);
                if (t.equals("OPERATOR_NOT")) condition(x);
                return SqlType.BOOLEAN;
            }
            case "COMPARE_IN", "COMPARE_NOT_IN" -> {
                if (children.size() - 1 > Functions.MAX_IN_LIST) {
                    throw new Reject(Codes.TOO_COMPLEX, "IN lists are limited to " + Functions.MAX_IN_LIST + " values");
                }
                SqlType input = walk(children.get(0), c.asCondition(), false);
                for (int i = 1; i < children.size(); i++) {
                    total.fit(children.get(0), input, children.get(i), walk(children.get(i), c.asCondition(), false));
                }
                return SqlType.BOOLEAN;
            }
            case "OPERATOR_COALESCE" -> {
                if (children.size() > 16) {
                    throw new Reject(Codes.TOO_COMPLEX, "COALESCE is limited to 16 arguments");
                }
                SqlType[] types = new SqlType[children.size()];
                for (int i = 0; i < children.size(); i++) {
                    types[i] = walk(children.get(i), c.deeper(), false);
                }
                return common(children, types);
            }
            default -> throw Reject.unsupported("operator " + t);
        }
    }

    private SqlType caseExpr(JsonNode e, Ctx c) {
        Tree.onlyKeys(e, Set.of("class", "type", "alias", "query_location", "case_checks", "else_expr"), "CASE");
        JsonNode checks = Tree.array(e, "case_checks");
        if (checks.size() > 50) {
            throw new Reject(Codes.TOO_COMPLEX, "CASE is limited to 50 branches");
        }
        JsonNode first = null;
        SqlType result = SqlType.NULL;
        for (JsonNode check : checks) {
            Tree.onlyKeys(check, Set.of("when_expr", "then_expr"), "CASE branch");
            condition(walk(check.get("when_expr"), c.asCondition(), false));
            SqlType t = walk(check.get("then_expr"), c.deeper(), false);
            result = first == null ? t : total.fit(first, result, check.get("then_expr"), t);
            first = first == null ? check.get("then_expr") : first;
        }
        if (!Tree.isNull(e, "else_expr")) {
            SqlType t = walk(e.get("else_expr"), c.deeper(), false);
            result = first == null ? t : total.fit(first, result, e.get("else_expr"), t);
        }
        return result;
    }

    private SqlType cast(JsonNode e, Ctx c) {
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
        return SqlType.ofTypeId(id); // evaluated as TRY_CAST: a value that does not convert is NULL, never an error
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
