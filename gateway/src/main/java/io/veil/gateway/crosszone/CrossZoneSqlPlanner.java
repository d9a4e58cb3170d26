package io.veil.gateway.crosszone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.sandbox.analysis.DuckDbParser;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Splits a cross-zone SQL job (docs/cross-zone.md, "Cross-zone SQL jobs"). The one supported shape is
 * aggregate-then-combine, written as plain SQL whose meaning is exactly what is computed:
 *
 * <pre>
 * SELECT &lt;group columns, part columns, arithmetic on them&gt;
 * FROM (&lt;aggregate query over datasets of ONE zone&gt; GROUP BY dims) a
 * JOIN (&lt;aggregate query over datasets of ONE zone&gt; GROUP BY dims) b ON a.dim = b.dim [AND …]
 * [ORDER BY …]
 * </pre>
 *
 * Each derived table ("part") becomes an ordinary job in its owning zone, which analyses and enforces
 * it under its own rules; the outer query becomes the combine SQL over the released part tables. The
 * parts are joined 1:1 on their full group keys, so a combined row exists only where every part
 * released that group: nothing suppressed in a part can come back through the combine. Everything
 * else is refused here, before any data is touched, with a stable code (never echoing literals).
 */
final class CrossZoneSqlPlanner {
    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    static final int MAX_PARTS = 4;
    private static final Set<String> PART_AGGREGATES = Set.of("count_star", "count", "sum", "avg");
    private static final Set<String> AGGREGATE_NAMES = Set.of("count_star", "count", "sum", "avg", "min", "max", "median",
            "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop", "quantile", "quantile_cont", "quantile_disc",
            "mode", "approx_count_distinct", "string_agg", "list", "array_agg", "first", "last", "any_value", "arg_max", "arg_min",
            "bit_and", "bit_or", "bool_and", "bool_or", "product", "sumkahan", "fsum", "entropy", "kurtosis", "skewness", "histogram");
    private static final Set<String> OUTER_FUNCTIONS = Set.of("+", "-", "*", "/", "round", "abs", "nullif");

    /** A dataset a job may read: its zone and (when known) its column roles. */
    record Table(String zone, String datasetId, Map<String, String> roles) {}

    /**
     * @param alias         the derived table's alias in the consumer's SQL
     * @param internalName  the combine step's table name for the part's released result (t0, t1, …)
     * @param sql           the part as a standalone query, run as a job in {@code zone}
     * @param outputs       the part's output column names, in order
     */
    record Part(String alias, String internalName, String zone, String sql, List<String> datasetIds, List<String> outputs) {}

    /** @param combineSql the outer query over the parts' internal names; @param outputs its column names */
    record Plan(List<Part> parts, String combineSql, List<String> outputs) {}

    static final class Refusal extends RuntimeException {
        final String code;

        Refusal(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private final Map<String, Table> byName;
    private final Set<String> ambiguous;

    /** @param byName tables by lower-case SQL name (dataset id, or unambiguous name); @param ambiguous names bound twice */
    CrossZoneSqlPlanner(Map<String, Table> byName, Set<String> ambiguous) {
        this.byName = byName;
        this.ambiguous = ambiguous;
    }

    Plan plan(String sql) {
        try (DuckDbParser parser = new DuckDbParser()) {
            return new Run(parser).plan(sql);
        } catch (Refusal r) {
            throw r;
        } catch (RuntimeException e) {
            // An unexpected tree shape never becomes an accepted plan, nor a message quoting the SQL.
            throw new Refusal("CROSS_ZONE_SHAPE_UNSUPPORTED", "the query is not a supported cross-zone shape");
        }
    }

    private static Refusal shape(String message) {
        return new Refusal("CROSS_ZONE_SHAPE_UNSUPPORTED", message + " (supported: SELECT … FROM (per-zone aggregate) a JOIN "
                + "(per-zone aggregate) b ON a.dim = b.dim, see docs/cross-zone.md)");
    }

    private final class Run {
        private final DuckDbParser parser;
        private final List<ObjectNode> subqueryRefs = new ArrayList<>();
        private final List<String> outerBaseTables = new ArrayList<>();
        private final List<JsonNode> conditions = new ArrayList<>();
        /** Per part alias (lower case): its output names (lower case → as written) and group outputs. */
        private final Map<String, PartInfo> parts = new LinkedHashMap<>();

        Run(DuckDbParser parser) {
            this.parser = parser;
        }

        Plan plan(String sql) {
            ObjectNode outer = statement(sql);
            if (!"SELECT_NODE".equals(outer.path("type").asText())) throw shape("the query must be a single SELECT");
            checkOuterClauses(outer);
            collectFrom(outer.get("from_table"));
            checkNoRowLevelJoin();
            if (subqueryRefs.size() < 2) throw shape("a cross-zone job combines at least two per-zone aggregate subqueries");
            if (subqueryRefs.size() > MAX_PARTS) throw shape("at most " + MAX_PARTS + " parts");
            List<Part> out = new ArrayList<>();
            for (ObjectNode ref : subqueryRefs) out.add(part(ref, "t" + out.size()));
            if (out.stream().map(Part::zone).distinct().count() < 2) {
                throw new Refusal("CROSS_ZONE_SINGLE_ZONE", "every part reads the same zone; submit it as an ordinary job (POST /api/v1/jobs)");
            }
            checkJoin();
            List<String> outputs = outerSelect(outer);
            outerOrderBy(outer, outputs);
            for (ObjectNode ref : subqueryRefs) toBaseTable(ref);
            return new Plan(out, parser.deserialize(outer), outputs);
        }

        private ObjectNode statement(String sql) {
            JsonNode root;
            try {
                root = parser.serialize(sql);
            } catch (SQLException e) {
                throw new Refusal("SQL_PARSE_ERROR", "the query could not be parsed");
            }
            if (root.path("error").asBoolean(true)) {
                if (root.path("error_message").asText("").contains("Only SELECT statements")) {
                    throw new Refusal("SQL_NOT_SELECT", "only a single SELECT statement is allowed");
                }
                throw new Refusal("SQL_PARSE_ERROR", "the query could not be parsed");
            }
            JsonNode statements = root.path("statements");
            if (statements.size() != 1) throw new Refusal("SQL_MULTIPLE_STATEMENTS", "exactly one statement is allowed");
            JsonNode stmt = statements.get(0);
            if (stmt.path("named_param_map").size() > 0) throw shape("named parameters are not supported");
            if (!(stmt.get("node") instanceof ObjectNode n)) throw shape("the query must be a single SELECT");
            return n;
        }

        private void checkOuterClauses(ObjectNode outer) {
            if (!isNull(outer, "where_clause")) throw shape("the outer query cannot have WHERE; filter inside a part");
            if (outer.path("group_expressions").size() > 0) throw shape("the outer query cannot have GROUP BY; group inside the parts");
            if (!isNull(outer, "having") || !isNull(outer, "qualify") || !isNull(outer, "sample")) {
                throw shape("the outer query cannot have HAVING, QUALIFY or SAMPLE");
            }
            if (outer.path("cte_map").path("map").size() > 0) throw shape("WITH is not supported");
            if (!"STANDARD_HANDLING".equals(outer.path("aggregate_handling").asText())) throw shape("GROUP BY ALL is not supported");
            for (JsonNode m : outer.path("modifiers")) {
                if (!"ORDER_MODIFIER".equals(m.path("type").asText())) throw shape("the outer query may only add ORDER BY");
            }
        }

        private void collectFrom(JsonNode ref) {
            if (ref == null || !ref.isObject()) throw shape("the query must read per-zone subqueries");
            switch (ref.path("type").asText()) {
                case "SUBQUERY" -> subqueryRefs.add((ObjectNode) ref);
                case "BASE_TABLE" -> outerBaseTables.add(ref.path("table_name").asText());
                case "JOIN" -> {
                    String refType = ref.path("ref_type").asText();
                    String joinType = ref.path("join_type").asText();
                    collectFrom(ref.get("left"));
                    collectFrom(ref.get("right"));
                    if (!"REGULAR".equals(refType) || !"INNER".equals(joinType)) {
                        throw new Refusal("CROSS_ZONE_JOIN_UNSUPPORTED", "parts are combined with INNER JOIN … ON equal group columns only, "
                                + "so a group suppressed in one part cannot reappear from another");
                    }
                    if (ref.path("using_columns").size() > 0 || isNull(ref, "condition")) {
                        throw new Refusal("CROSS_ZONE_JOIN_UNSUPPORTED", "write the join as ON a.dim = b.dim");
                    }
                    conditions.add(ref.get("condition"));
                }
                default -> throw shape("only per-zone aggregate subqueries can be combined");
            }
        }

        /** Base tables in the outer FROM: rows of one zone would meet rows or aggregates of another. */
        private void checkNoRowLevelJoin() {
            if (outerBaseTables.isEmpty()) return;
            Set<String> zones = new HashSet<>();
            for (String name : outerBaseTables) zones.add(table(name).zone());
            for (ObjectNode ref : subqueryRefs) {
                for (String name : baseTables(ref.path("subquery").path("node").path("from_table"), new ArrayList<>())) {
                    zones.add(table(name).zone());
                }
            }
            if (zones.size() > 1) {
                throw new Refusal("CROSS_ZONE_ROW_LEVEL_JOIN", "rows of different zones cannot be joined; aggregate each zone's data in its "
                        + "own subquery, or use a PSI job (POST /api/v1/federation/psi-jobs) to match entities across zones");
            }
            throw shape("the outer query reads a table directly");
        }

        private Table table(String name) {
            String key = name.toLowerCase(Locale.ROOT);
            if (ambiguous.contains(key)) {
                throw new Refusal("CROSS_ZONE_TABLE_AMBIGUOUS", "table name " + safe(name) + " names datasets of several contracts; use the dataset id");
            }
            Table t = byName.get(key);
            if (t == null) {
                throw new Refusal("CROSS_ZONE_CONTRACT_MISSING", "no contract of this job covers table " + safe(name)
                        + " (list the local contract in contractIds, the peer zone's in remoteContracts)");
            }
            return t;
        }

        private List<String> baseTables(JsonNode ref, List<String> out) {
            switch (ref.path("type").asText()) {
                case "BASE_TABLE" -> {
                    if (!ref.path("schema_name").asText("").isEmpty() || !ref.path("catalog_name").asText("").isEmpty()) {
                        throw shape("tables are named without schema or catalog");
                    }
                    out.add(ref.path("table_name").asText());
                }
                case "JOIN" -> {
                    baseTables(ref.get("left"), out);
                    baseTables(ref.get("right"), out);
                }
                default -> throw shape("a part reads contract datasets only (no nested subqueries or table functions)");
            }
            return out;
        }

        private Part part(ObjectNode ref, String internalName) {
            String alias = ref.path("alias").asText("");
            if (!NAME.matcher(alias).matches() || alias.toLowerCase(Locale.ROOT).startsWith("unnamed_subquery")) {
                throw new Refusal("CROSS_ZONE_OUTPUT_NAME_INVALID", "every part needs an alias made of letters, digits and _");
            }
            if (parts.containsKey(alias.toLowerCase(Locale.ROOT))) throw new Refusal("CROSS_ZONE_OUTPUT_NAME_INVALID", "part aliases must differ");
            if (ref.path("column_name_alias").size() > 0 || !isNull(ref, "sample")) throw shape("column aliases or sampling on a part");
            JsonNode sub = ref.path("subquery");
            if (sub.path("named_param_map").size() > 0 || !(sub.get("node") instanceof ObjectNode node)) throw shape("a part must be a SELECT");
            if (!"SELECT_NODE".equals(node.path("type").asText())) throw shape("a part must be a single SELECT (no UNION or WITH)");

            List<String> names = baseTables(node.path("from_table"), new ArrayList<>());
            Set<String> zones = new LinkedHashSet<>();
            List<String> datasetIds = new ArrayList<>();
            List<Table> tables = new ArrayList<>();
            for (String n : names) {
                Table t = table(n);
                zones.add(t.zone());
                tables.add(t);
                if (!datasetIds.contains(t.datasetId())) datasetIds.add(t.datasetId());
            }
            if (zones.size() != 1) {
                throw new Refusal("CROSS_ZONE_PART_SPANS_ZONES", "part " + alias + " reads datasets of " + zones.size()
                        + " zones; each part must read one zone's datasets");
            }

            List<String> groups = groupColumns(node, alias, tables);
            JsonNode sets = node.path("group_sets");
            if (sets.size() != 1 || sets.get(0).size() != groups.size()) throw shape("ROLLUP, CUBE and GROUPING SETS are not supported");
            PartInfo info = new PartInfo(alias);
            for (JsonNode item : node.path("select_list")) info.add(item, groups, alias);
            for (String g : groups) {
                if (!info.groupOutputs.containsValue(g)) {
                    throw new Refusal("CROSS_ZONE_JOIN_NOT_ON_GROUPS", "part " + alias + " must select its group column " + g
                            + " so the parts can be joined on it");
                }
            }
            parts.put(alias.toLowerCase(Locale.ROOT), info);
            return new Part(alias, internalName, zones.iterator().next(), parser.deserialize(node), datasetIds, info.outputs);
        }

        /** GROUP BY must list plain columns, each a DIMENSION wherever the part's datasets' roles are known. */
        private List<String> groupColumns(ObjectNode node, String alias, List<Table> tables) {
            List<String> groups = new ArrayList<>();
            for (JsonNode g : node.path("group_expressions")) {
                if (!"COLUMN_REF".equals(g.path("class").asText())) {
                    throw new Refusal("CROSS_ZONE_GROUP_NOT_DIMENSION", "part " + alias + " must group by plain dimension columns");
                }
                String col = last(g.path("column_names")).toLowerCase(Locale.ROOT);
                for (Table t : tables) {
                    t.roles().forEach((c, role) -> {
                        if (c.equalsIgnoreCase(col) && !"DIMENSION".equals(role)) {
                            throw new Refusal("CROSS_ZONE_GROUP_NOT_DIMENSION", "part " + alias + " groups by " + c + ", a " + role
                                    + " column; parts may only be grouped and joined by DIMENSION columns");
                        }
                    });
                }
                if (!groups.contains(col)) groups.add(col);
            }
            if (groups.isEmpty()) {
                throw new Refusal("CROSS_ZONE_JOIN_NOT_ON_GROUPS", "part " + alias + " must GROUP BY the dimension columns the parts share");
            }
            return groups;
        }

        /** ON equates group columns of different parts; every part's every group column sits in a class with one column of each part. */
        private void checkJoin() {
            Map<String, String> parent = new HashMap<>();
            for (JsonNode cond : conditions) {
                List<JsonNode> eqs = new ArrayList<>();
                flattenAnd(cond, eqs);
                for (JsonNode eq : eqs) {
                    String a = groupRef(eq.get("left"));
                    String b = groupRef(eq.get("right"));
                    if (a.substring(0, a.indexOf('.')).equals(b.substring(0, b.indexOf('.')))) {
                        throw new Refusal("CROSS_ZONE_JOIN_NOT_ON_GROUPS", "each join equality must compare columns of two different parts");
                    }
                    parent.put(find(parent, a), find(parent, b));
                }
            }
            Map<String, List<String>> classes = new HashMap<>();
            int groupsPerPart = -1;
            for (PartInfo p : parts.values()) {
                if (groupsPerPart >= 0 && p.groupOutputs.size() != groupsPerPart) {
                    throw new Refusal("CROSS_ZONE_JOIN_NOT_ON_GROUPS", "all parts must be grouped by the same dimensions");
                }
                groupsPerPart = p.groupOutputs.size();
                for (String out : p.groupOutputs.keySet()) {
                    classes.computeIfAbsent(find(parent, p.key + "." + out), k -> new ArrayList<>()).add(p.key);
                }
            }
            for (List<String> members : classes.values()) {
                if (members.size() != parts.size() || new HashSet<>(members).size() != parts.size()) {
                    throw new Refusal("CROSS_ZONE_JOIN_NOT_ON_GROUPS", "the ON clause must equate every group column of every part "
                            + "with one group column of each other part");
                }
            }
        }

        private static String find(Map<String, String> parent, String x) {
            String p = parent.getOrDefault(x, x);
            if (p.equals(x)) return x;
            String root = find(parent, p);
            parent.put(x, root);
            return root;
        }

        private void flattenAnd(JsonNode n, List<JsonNode> out) {
            if ("CONJUNCTION".equals(n.path("class").asText()) && "CONJUNCTION_AND".equals(n.path("type").asText())) {
                for (JsonNode c : n.path("children")) flattenAnd(c, out);
            } else if ("COMPARISON".equals(n.path("class").asText()) && "COMPARE_EQUAL".equals(n.path("type").asText())) {
                out.add(n);
            } else {
                throw new Refusal("CROSS_ZONE_JOIN_UNSUPPORTED", "join conditions may only be equalities of group columns joined by AND");
            }
        }

        /** "part.output" of a qualified reference to a part's group output. */
        private String groupRef(JsonNode ref) {
            if (ref == null || !"COLUMN_REF".equals(ref.path("class").asText()) || ref.path("column_names").size() != 2) {
                throw new Refusal("CROSS_ZONE_JOIN_UNSUPPORTED", "join conditions compare qualified group columns, e.g. a.district = b.district");
            }
            PartInfo p = parts.get(ref.path("column_names").get(0).asText().toLowerCase(Locale.ROOT));
            String col = ref.path("column_names").get(1).asText().toLowerCase(Locale.ROOT);
            if (p == null || !p.byLower.containsKey(col)) throw new Refusal("CROSS_ZONE_UNKNOWN_COLUMN", "the join names a column no part outputs");
            if (!p.groupOutputs.containsKey(col)) {
                throw new Refusal("CROSS_ZONE_JOIN_NOT_ON_GROUPS", "parts may only be joined on their group columns, not on " + col);
            }
            return p.key + "." + col;
        }

        private List<String> outerSelect(ObjectNode outer) {
            List<String> outputs = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (JsonNode item : outer.path("select_list")) {
                String alias = item.path("alias").asText("");
                walk(item, 0, false);
                String name;
                if (!alias.isEmpty()) name = alias;
                else if ("COLUMN_REF".equals(item.path("class").asText())) name = last(item.path("column_names"));
                else throw new Refusal("CROSS_ZONE_OUTPUT_NAME_INVALID", "give every computed output column a name (… AS name)");
                if (!NAME.matcher(name).matches() || !seen.add(name.toLowerCase(Locale.ROOT))) {
                    throw new Refusal("CROSS_ZONE_OUTPUT_NAME_INVALID", "output names must be distinct identifiers (letters, digits, _)");
                }
                ((ObjectNode) item).put("alias", name);
                outputs.add(name);
            }
            if (outputs.isEmpty()) throw shape("the query selects nothing");
            return outputs;
        }

        private void outerOrderBy(ObjectNode outer, List<String> outputs) {
            Set<String> names = new HashSet<>();
            outputs.forEach(o -> names.add(o.toLowerCase(Locale.ROOT)));
            for (JsonNode m : outer.path("modifiers")) {
                for (JsonNode o : m.path("orders")) {
                    JsonNode e = o.path("expression");
                    boolean outputName = "COLUMN_REF".equals(e.path("class").asText()) && e.path("column_names").size() == 1
                            && names.contains(e.path("column_names").get(0).asText().toLowerCase(Locale.ROOT));
                    if (!outputName) walk(e, 0, true);
                }
            }
        }

        /** Outer expressions: part columns, constants, + - * / round abs nullif and casts — post-processing of released values only. */
        private void walk(JsonNode e, int depth, boolean orderBy) {
            if (depth > 30) throw new Refusal("CROSS_ZONE_EXPRESSION_UNSUPPORTED", "the outer expression is too deep");
            switch (e.path("class").asText()) {
                case "COLUMN_REF" -> qualify((ObjectNode) e);
                case "CONSTANT" -> {
                    // a literal in arithmetic or an ORDER BY position
                }
                case "CAST" -> {
                    if (e.path("try_cast").asBoolean(false)) throw new Refusal("CROSS_ZONE_EXPRESSION_UNSUPPORTED", "TRY_CAST is not supported");
                    walk(e.get("child"), depth + 1, orderBy);
                }
                case "FUNCTION" -> {
                    String fn = e.path("function_name").asText().toLowerCase(Locale.ROOT);
                    if (AGGREGATE_NAMES.contains(fn)) {
                        throw new Refusal("CROSS_ZONE_AGGREGATE_UNSUPPORTED", "aggregates belong inside the per-zone parts; the outer "
                                + "query only combines their results");
                    }
                    if (!OUTER_FUNCTIONS.contains(fn) || !e.path("schema").asText("").isEmpty() || e.path("distinct").asBoolean(false)
                            || !isNull(e, "filter")) {
                        throw new Refusal("CROSS_ZONE_EXPRESSION_UNSUPPORTED", "the outer query may use + - * / round abs nullif and CAST");
                    }
                    for (JsonNode c : e.path("children")) walk(c, depth + 1, orderBy);
                }
                case "WINDOW" -> throw new Refusal("CROSS_ZONE_EXPRESSION_UNSUPPORTED", "window functions are not supported");
                default -> throw new Refusal("CROSS_ZONE_EXPRESSION_UNSUPPORTED", "the outer query may use + - * / round abs nullif and CAST");
            }
        }

        /** Resolves a column to the part that outputs it and writes it as part.column. */
        private void qualify(ObjectNode ref) {
            JsonNode names = ref.path("column_names");
            PartInfo owner = null;
            String col;
            if (names.size() == 2) {
                owner = parts.get(names.get(0).asText().toLowerCase(Locale.ROOT));
                col = names.get(1).asText().toLowerCase(Locale.ROOT);
                if (owner != null && !owner.byLower.containsKey(col)) owner = null;
            } else if (names.size() == 1) {
                col = names.get(0).asText().toLowerCase(Locale.ROOT);
                for (PartInfo p : parts.values()) {
                    if (p.byLower.containsKey(col)) {
                        if (owner != null) throw new Refusal("CROSS_ZONE_UNKNOWN_COLUMN", "column " + col + " is output by several parts; qualify it");
                        owner = p;
                    }
                }
            } else {
                col = "";
            }
            if (owner == null) throw new Refusal("CROSS_ZONE_UNKNOWN_COLUMN", "the outer query names a column no part outputs");
            ArrayNode q = ref.putArray("column_names");
            q.add(owner.alias);
            q.add(owner.byLower.get(col));
        }

        /** The derived table becomes a read of the part's released result, loaded as {@code internalName}. */
        private void toBaseTable(ObjectNode ref) {
            PartInfo p = parts.get(ref.path("alias").asText().toLowerCase(Locale.ROOT));
            String internal = "t" + new ArrayList<>(parts.values()).indexOf(p);
            JsonNode template;
            try {
                template = parser.serialize("SELECT 1 FROM " + internal + " AS " + p.alias).get("statements").get(0).get("node").get("from_table");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot build the combine query");
            }
            ref.removeAll();
            ref.setAll((ObjectNode) template);
        }
    }

    /** A part's outputs: group columns (as selected) and its COUNT/SUM/AVG aggregates (each named). */
    private static final class PartInfo {
        final String alias;
        final String key;
        final List<String> outputs = new ArrayList<>();
        final Map<String, String> byLower = new HashMap<>();
        /** lower-case output name → the group column it selects */
        final Map<String, String> groupOutputs = new LinkedHashMap<>();

        PartInfo(String alias) {
            this.alias = alias;
            this.key = alias.toLowerCase(Locale.ROOT);
        }

        void add(JsonNode item, List<String> groups, String partAlias) {
            String cls = item.path("class").asText();
            String alias = item.path("alias").asText("");
            String name;
            if ("COLUMN_REF".equals(cls) && groups.contains(last(item.path("column_names")).toLowerCase(Locale.ROOT))) {
                name = alias.isEmpty() ? last(item.path("column_names")) : alias;
                groupOutputs.put(name.toLowerCase(Locale.ROOT), last(item.path("column_names")).toLowerCase(Locale.ROOT));
            } else if ("FUNCTION".equals(cls) && PART_AGGREGATES.contains(item.path("function_name").asText().toLowerCase(Locale.ROOT))
                    && !item.path("distinct").asBoolean(false)) {
                if (alias.isEmpty()) {
                    throw new Refusal("CROSS_ZONE_OUTPUT_NAME_INVALID", "name every aggregate of part " + partAlias + " (COUNT(*) AS n)");
                }
                name = alias;
            } else {
                throw new Refusal("CROSS_ZONE_AGGREGATE_UNSUPPORTED", "part " + partAlias + " may only select its group columns and "
                        + "COUNT / SUM / AVG aggregates (no DISTINCT), which the combine can use as released");
            }
            if (!NAME.matcher(name).matches() || byLower.containsKey(name.toLowerCase(Locale.ROOT))) {
                throw new Refusal("CROSS_ZONE_OUTPUT_NAME_INVALID", "output names of part " + partAlias + " must be distinct identifiers");
            }
            outputs.add(name);
            byLower.put(name.toLowerCase(Locale.ROOT), name);
        }
    }

    private static String last(JsonNode names) {
        return names.size() == 0 ? "" : names.get(names.size() - 1).asText();
    }

    private static boolean isNull(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull();
    }

    /** Table names are echoed only when they look like identifiers (never a path or literal). */
    private static String safe(String name) {
        return NAME.matcher(name).matches() || name.matches("[a-f0-9-]{36}") ? name : "(unnamed)";
    }
}
