package io.veil.sandbox.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.policy.ColumnRole;
import io.veil.policy.UseKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * FROM: contract datasets only, combined by inner equi-joins on JOIN_KEY / ENTITY_ID columns. Anything
 * else (table functions, file paths, subqueries, cross/outer/ASOF/positional/lateral joins, USING,
 * NATURAL) is rejected, because each of them either reads outside the contract or lets a query pick
 * out rows by something other than a shared key.
 */
final class FromClause {
    private static final Set<String> BASE_KEYS = Set.of("type", "alias", "sample", "query_location", "schema_name",
            "table_name", "column_name_alias", "catalog_name", "at_clause");
    private static final Set<String> JOIN_KEYS = Set.of("type", "alias", "sample", "query_location", "left", "right",
            "condition", "join_type", "ref_type", "using_columns", "delim_flipped", "duplicate_eliminated_columns");

    private final Map<String, TableBinding> bindings;
    private final Scope scope;
    private final Uses uses;
    private final List<JsonNode> joinConditions = new ArrayList<>();
    private final List<Set<Integer>[]> joinSides = new ArrayList<>();

    FromClause(Map<String, TableBinding> bindings, Scope scope, Uses uses) {
        this.bindings = bindings;
        this.scope = scope;
        this.uses = uses;
    }

    void read(JsonNode from) {
        collect(from);
        for (int i = 0; i < joinConditions.size(); i++) {
            checkCondition(joinConditions.get(i), joinSides.get(i)[0], joinSides.get(i)[1]);
        }
        if (!joinConditions.isEmpty()) {
            uses.feature("JOIN");
        }
    }

    /** Registers occurrences left to right and returns the occurrence indexes under this node. */
    private Set<Integer> collect(JsonNode ref) {
        String type = Tree.text(ref, "type");
        switch (type) {
            case "BASE_TABLE" -> {
                return Set.of(baseTable(ref));
            }
            case "JOIN" -> {
                Tree.onlyKeys(ref, JOIN_KEYS, "join");
                checkJoinShape(ref);
                Set<Integer> left = collect(ref.get("left"));
                Set<Integer> right = collect(ref.get("right"));
                joinConditions.add(ref.get("condition"));
                @SuppressWarnings("unchecked")
                Set<Integer>[] sides = new Set[] {left, right};
                joinSides.add(sides);
                Set<Integer> all = new HashSet<>(left);
                all.addAll(right);
                return all;
            }
            case "TABLE_FUNCTION" -> throw new Reject(Codes.TABLE_FUNCTION, "table functions are not allowed; read contract datasets by name");
            case "SUBQUERY" -> throw new Reject(Codes.SUBQUERY_NOT_ALLOWED, "subqueries are not allowed");
            case "SHOW_REF" -> throw new Reject(Codes.NOT_SELECT, "DESCRIBE, SUMMARIZE and SHOW are not allowed");
            case "EMPTY" -> throw Reject.unsupported("a query must read at least one contract dataset");
            case "EXPRESSION_LIST" -> throw Reject.unsupported("VALUES lists");
            case "PIVOT" -> throw Reject.unsupported("PIVOT and UNPIVOT");
            default -> throw Reject.unsupported("table reference " + type);
        }
    }

    private int baseTable(JsonNode ref) {
        Tree.onlyKeys(ref, BASE_KEYS, "table reference");
        if (!Tree.isNull(ref, "sample")) {
            throw new Reject(Codes.SAMPLING, "TABLESAMPLE / USING SAMPLE is not allowed");
        }
        if (!Tree.isNull(ref, "at_clause")) {
            throw Reject.unsupported("AT (time travel)");
        }
        if (!Tree.emptyArray(ref, "column_name_alias")) {
            throw Reject.unsupported("column aliases on a table");
        }
        String name = Tree.text(ref, "table_name");
        if (!Tree.textOr(ref, "schema_name", "").isEmpty() || !Tree.textOr(ref, "catalog_name", "").isEmpty()) {
            throw new Reject(Codes.UNKNOWN_TABLE, "tables are referenced by their bare contract name, without schema or catalog");
        }
        TableBinding binding = bindings.get(name.toLowerCase(Locale.ROOT));
        if (binding == null) {
            if (looksLikePath(name)) {
                // DuckDB reads FROM 'file.csv' as a table function; never echo the path.
                throw new Reject(Codes.TABLE_FUNCTION, "reading files is not allowed; read contract datasets by name");
            }
            throw new Reject(Codes.UNKNOWN_TABLE, "unknown table " + name);
        }
        String alias = Tree.textOr(ref, "alias", "");
        return scope.add(alias.isEmpty() ? name : alias, binding).index();
    }

    static boolean looksLikePath(String name) {
        return name.chars().anyMatch(c -> c == '/' || c == '\\' || c == '.' || c == ':' || c == '*' || c == '~' || c == '?');
    }

    private static void checkJoinShape(JsonNode join) {
        String refType = Tree.text(join, "ref_type");
        String joinType = Tree.text(join, "join_type");
        if (!"REGULAR".equals(refType)) {
            throw new Reject(Codes.JOIN_NOT_ALLOWED, switch (refType) {
                case "CROSS" -> "cross joins and comma joins are not allowed; use INNER JOIN ... ON key equality";
                default -> refType + " joins are not allowed; use INNER JOIN ... ON key equality";
            });
        }
        if (!"INNER".equals(joinType)) {
            throw new Reject(Codes.JOIN_NOT_ALLOWED, joinType + " joins are not allowed; use INNER JOIN ... ON key equality");
        }
        if (!Tree.emptyArray(join, "using_columns")) {
            throw new Reject(Codes.JOIN_NOT_ALLOWED, "JOIN ... USING is not supported; write ON a.key = b.key");
        }
        if (Tree.isNull(join, "condition")) {
            throw new Reject(Codes.JOIN_NOT_ALLOWED, "a join needs an ON condition");
        }
        if (!Tree.isNull(join, "sample") || !Tree.textOr(join, "alias", "").isEmpty()
                || Tree.flag(join, "delim_flipped") || !Tree.emptyArray(join, "duplicate_eliminated_columns")) {
            throw Reject.unsupported("join options");
        }
    }

    /** ON must be a conjunction of col = col between the two sides, each column a JOIN_KEY or ENTITY_ID. */
    private void checkCondition(JsonNode cond, Set<Integer> left, Set<Integer> right) {
        List<JsonNode> equalities = new ArrayList<>();
        flattenAnd(cond, equalities);
        for (JsonNode eq : equalities) {
            ResolvedColumn a = keyColumn(eq.get("left"));
            ResolvedColumn b = keyColumn(eq.get("right"));
            int ia = a.table().index();
            int ib = b.table().index();
            boolean crosses = (left.contains(ia) && right.contains(ib)) || (left.contains(ib) && right.contains(ia));
            if (!crosses) {
                throw new Reject(Codes.JOIN_NOT_ALLOWED, "each join equality must compare a column of the joined table with one of the tables before it");
            }
            if (SqlType.ofColumn(a.column().type()) != SqlType.ofColumn(b.column().type())) {
                // DuckDB would convert one side row by row, and a conversion that fails for some rows is an oracle.
                throw new Reject(Codes.JOIN_NOT_ALLOWED, "columns " + a.column().name() + " and " + b.column().name()
                        + " have different types (" + a.column().type() + ", " + b.column().type() + ") and cannot be joined");
            }
        }
    }

    private static void flattenAnd(JsonNode n, List<JsonNode> out) {
        if ("CONJUNCTION".equals(Tree.textOr(n, "class", "")) && "CONJUNCTION_AND".equals(Tree.textOr(n, "type", ""))) {
            Tree.onlyKeys(n, Set.of("class", "type", "alias", "query_location", "children"), "conjunction");
            for (JsonNode c : Tree.array(n, "children")) {
                flattenAnd(c, out);
            }
        } else {
            if (!"COMPARISON".equals(Tree.textOr(n, "class", "")) || !"COMPARE_EQUAL".equals(Tree.textOr(n, "type", ""))) {
                throw new Reject(Codes.JOIN_NOT_ALLOWED, "join conditions may only be equalities between key columns");
            }
            Tree.onlyKeys(n, Set.of("class", "type", "alias", "query_location", "left", "right"), "join condition");
            out.add(n);
        }
    }

    private ResolvedColumn keyColumn(JsonNode ref) {
        if (ref == null || !"COLUMN_REF".equals(Tree.textOr(ref, "class", ""))) {
            throw new Reject(Codes.JOIN_NOT_ALLOWED, "join conditions may only compare plain key columns");
        }
        Tree.onlyKeys(ref, ExprWalker.COLUMN_KEYS, "column reference");
        ResolvedColumn c = scope.resolve(Tree.array(ref, "column_names"));
        if (c == null) {
            throw new Reject(Codes.UNKNOWN_COLUMN, "unknown column " + ref.get("column_names").get(0).asText());
        }
        ColumnRole role = c.column().role();
        if (role != ColumnRole.JOIN_KEY && role != ColumnRole.ENTITY_ID) {
            throw new Reject(Codes.JOIN_NOT_ALLOWED, "column " + c.column().name() + " has role " + role
                    + "; joins are only allowed on JOIN_KEY or ENTITY_ID columns");
        }
        qualify((ObjectNode) ref, c);
        uses.add(c, UseKind.JOIN_KEY, null);
        return c;
    }

    /** Rewrites a column reference to alias.column: same meaning, no resolution left to the engine. */
    static void qualify(ObjectNode ref, ResolvedColumn c) {
        ArrayNode names = ref.putArray("column_names");
        names.add(c.table().alias());
        names.add(c.column().name());
    }
}
