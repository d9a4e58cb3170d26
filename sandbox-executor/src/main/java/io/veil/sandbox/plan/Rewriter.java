package io.veil.sandbox.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.policy.Aggregate;
import io.veil.sandbox.analysis.AnalyzedQuery;
import io.veil.sandbox.analysis.DuckDbParser;
import io.veil.sandbox.analysis.SelectItem;
import io.veil.sandbox.analysis.TableRef;
import io.veil.sandbox.privacy.EnforcementSpec;
import io.veil.sandbox.privacy.EnforcementSpec.EntityCount;
import io.veil.sandbox.privacy.EnforcementSpec.Output;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rewrites the analysed tree (never the SQL text) and prints it with DuckDB's own deserializer, so
 * the worker runs exactly the query that was checked plus our additions:
 * <ul>
 *   <li>tables renamed to the worker's internal names, the user's aliases kept;</li>
 *   <li>CAST turned into TRY_CAST, so a bad value yields NULL rather than an error that would tell the
 *       consumer a hidden value exists;</li>
 *   <li>LIMIT and DISTINCT moved into the enforcer, so they apply after suppression;</li>
 *   <li>a hidden COUNT(DISTINCT entity) per protected table occurrence — or COUNT(*) when
 *       {@link #rowsAreEntities()} holds, which is the same number, computed far more cheaply;</li>
 *   <li>with DP: rows per entity bounded after joins and filters, SUM/AVG arguments clamped, AVG split
 *       into a noisy sum and a noisy count.</li>
 * </ul>
 */
final class Rewriter {
    /** A table occurrence with an entity column: it gets distinct-entity counts. */
    record Protected(TableRef table, String entity, DatasetRules rules) {
    }

    private final DuckDbParser parser;
    private final AnalyzedQuery q;
    private final Map<String, DatasetRules> rules;
    private final int maxOutputRows;
    private final List<TableInput> inputs = new ArrayList<>();
    private final List<Protected> protectedTables = new ArrayList<>();

    Rewriter(DuckDbParser parser, AnalyzedQuery q, Map<String, DatasetRules> rules, int maxOutputRows) {
        this.parser = parser;
        this.q = q;
        this.rules = rules;
        this.maxOutputRows = maxOutputRows;
    }

    ExecutionPlan build() {
        if (maxOutputRows < 0) {
            throw new PlanReject("PLAN_INVALID", "maxOutputRows must not be negative");
        }
        Map<String, String> internal = new LinkedHashMap<>();
        for (TableRef t : q.tables()) {
            String id = t.binding().datasetId();
            if (!internal.containsKey(id)) {
                internal.put(id, "t" + internal.size());
                inputs.add(new TableInput(internal.get(id), id));
            }
            protection(t);
        }
        int k = protectedTables.stream().mapToInt(p -> p.rules().minEntities()).max().orElse(0);
        List<Protected> dp = protectedTables.stream().filter(p -> p.rules().dp() != null).toList();
        if (dp.size() > 1) {
            throw new PlanReject("DP_JOIN_UNSUPPORTED", "a query may read at most one differentially private table occurrence");
        }
        ObjectNode tree = q.tree();
        renameTables(tree.get("from_table"), q.tables().iterator(), internal);
        Nodes.eachObject(tree, n -> {
            if ("CAST".equals(n.path("class").asText())) {
                n.put("try_cast", true);
            }
        });
        ArrayNode modifiers = (ArrayNode) tree.get("modifiers");
        for (int i = modifiers.size() - 1; i >= 0; i--) {
            String type = modifiers.get(i).path("type").asText();
            if (type.equals("LIMIT_MODIFIER") || type.equals("DISTINCT_MODIFIER")) {
                modifiers.remove(i);
            }
        }
        ArrayNode select = (ArrayNode) tree.get("select_list");
        for (int i = 0; i < select.size(); i++) {
            ((ObjectNode) select.get(i)).put("alias", q.items().get(i).name());
        }
        return dp.isEmpty() ? thresholdOnly(tree, k) : new DpRewrite(parser, q, tree, protectedTables, dp.get(0), k,
                maxOutputRows, inputs, rowsAreEntities()).build();
    }

    private void protection(TableRef t) {
        DatasetRules r = rules.get(t.binding().datasetId());
        if (r == null) {
            throw new PlanReject("PLAN_RULES_MISSING", "no protection rules for dataset " + t.binding().datasetId());
        }
        if (r.minEntities() < 0) {
            throw new PlanReject("PLAN_INVALID", "minEntities must not be negative");
        }
        if (r.entityColumn() == null) {
            if (r.dp() != null) {
                throw new PlanReject("DP_ENTITY_MISSING", "differential privacy needs an entity column on dataset "
                        + t.binding().datasetId());
            }
            return;
        }
        String entity = t.binding().column(r.entityColumn()).map(c -> c.name()).orElseThrow(() -> new PlanReject(
                "PLAN_ENTITY_COLUMN_UNKNOWN", "entity column " + r.entityColumn() + " is not in dataset " + t.binding().datasetId()));
        protectedTables.add(new Protected(t, entity, r));
    }

    private static void renameTables(JsonNode ref, Iterator<TableRef> order, Map<String, String> internal) {
        if ("JOIN".equals(ref.path("type").asText())) {
            renameTables(ref.get("left"), order, internal);
            renameTables(ref.get("right"), order, internal);
            return;
        }
        TableRef t = order.next();
        ObjectNode base = (ObjectNode) ref;
        base.put("table_name", internal.get(t.binding().datasetId()));
        base.put("alias", t.alias());
    }

    /**
     * True when every row the query aggregates is a different entity: the query reads a single table
     * occurrence (no join, self-joins included, can repeat a row) whose ingest proved the entity column
     * non-null and unique per row. Then COUNT(entity) equals COUNT(DISTINCT entity) in every group, and
     * a DP per-entity row bound of m ≥ 1 holds without enforcing it. Anything else, or unknown: false.
     */
    private boolean rowsAreEntities() {
        return q.tables().size() == 1 && protectedTables.size() == 1 && protectedTables.get(0).rules().oneRowPerEntity();
    }

    /** Whether ingest proved {@code column} of the occurrence aliased {@code alias} free of NULLs. */
    private boolean nonNull(String alias, String column) {
        return q.tables().stream().filter(t -> t.alias().equals(alias)).findFirst()
                .map(t -> rules.get(t.binding().datasetId()).nonNullColumns().stream().anyMatch(column::equalsIgnoreCase))
                .orElse(false);
    }

    private ExecutionPlan thresholdOnly(ObjectNode tree, int k) {
        AggregateSupport.gate(tree, protectedTables, k, rowsAreEntities(), this::nonNull);
        ArrayNode select = (ArrayNode) tree.get("select_list");
        List<EntityCount> counts = new ArrayList<>();
        List<String> hidden = new ArrayList<>();
        for (int j = 0; j < protectedTables.size(); j++) {
            Protected p = protectedTables.get(j);
            String name = "__veil_k_" + j;
            // One non-null entity per row: COUNT(*) is that count exactly and needs no column read.
            select.add(Nodes.aliased(rowsAreEntities() ? Nodes.function("count_star", false)
                    : Nodes.function("count", true, Nodes.column(p.table().alias(), p.entity())), name));
            counts.add(new EntityCount(name, false, 0));
            hidden.add(name);
        }
        List<Output> outputs = q.items().stream().map(i -> Output.plain(i.name())).toList();
        EnforcementSpec spec = new EnforcementSpec(1, k, q.grouped(), maxOutputRows, q.limit(), q.distinct(), outputs,
                counts, hidden, null);
        return new ExecutionPlan(parser.deserialize(tree), inputs, spec);
    }

    /** Differentially private variant; kept apart so the threshold-only path stays easy to read. */
    private static final class DpRewrite {
        private final DuckDbParser parser;
        private final AnalyzedQuery q;
        private final ObjectNode tree;
        private final List<Protected> prot;
        private final Protected dpTable;
        private final DatasetRules.Privacy p;
        private final int k;
        private final int maxOutputRows;
        private final List<TableInput> inputs;
        private final Map<String, String[]> innerColumns = new LinkedHashMap<>();
        private final boolean rowsAreEntities;

        DpRewrite(DuckDbParser parser, AnalyzedQuery q, ObjectNode tree, List<Protected> prot, Protected dpTable, int k,
                  int maxOutputRows, List<TableInput> inputs, boolean rowsAreEntities) {
            this.rowsAreEntities = rowsAreEntities;
            this.parser = parser;
            this.q = q;
            this.tree = tree;
            this.prot = prot;
            this.dpTable = dpTable;
            this.p = dpTable.rules().dp();
            this.k = k;
            this.maxOutputRows = maxOutputRows;
            this.inputs = inputs;
        }

        ExecutionPlan build() {
            validate();
            int m = p.maxRowsPerEntity();
            for (String clause : new String[] {"select_list", "group_expressions", "modifiers"}) {
                Nodes.eachObject(tree.get(clause), this::renameColumn);
            }
            String innerSql = parser.deserialize(innerQuery());
            tree.putNull("where_clause");
            tree.set("from_table", Nodes.baseTable("__veil_b", ""));

            ArrayNode select = (ArrayNode) tree.get("select_list");
            List<Output> outputs = new ArrayList<>();
            List<String> hidden = new ArrayList<>();
            int measurements = 1; // the noisy entity count
            for (int i = 0; i < q.items().size(); i++) {
                SelectItem item = q.items().get(i);
                ObjectNode node = (ObjectNode) select.get(i);
                if (item.kind() == SelectItem.Kind.GROUP_KEY) {
                    outputs.add(Output.plain(item.name()));
                    continue;
                }
                if (item.aggregate() == Aggregate.COUNT) {
                    outputs.add(new Output(item.name(), EnforcementSpec.Treatment.COUNT, m, null, 0, 0, 0));
                    measurements++;
                    continue;
                }
                double[] b = bounds(item);
                double sensitivity = m * Math.max(Math.abs(b[0]), Math.abs(b[1]));
                ArrayNode children = (ArrayNode) node.get("children");
                JsonNode argument = children.get(0).deepCopy();
                children.set(0, clamp(argument.deepCopy(), b));
                if (item.aggregate() == Aggregate.SUM) {
                    outputs.add(new Output(item.name(), EnforcementSpec.Treatment.SUM, sensitivity, null, 0, b[0], b[1]));
                    measurements++;
                } else {
                    node.put("function_name", "sum");
                    String countName = "__veil_n_" + i;
                    ObjectNode count = Nodes.aliased(Nodes.function("count", false, argument), countName);
                    count.set("filter", node.get("filter").deepCopy());
                    select.add(count);
                    hidden.add(countName);
                    outputs.add(new Output(item.name(), EnforcementSpec.Treatment.AVG, sensitivity, countName, m, b[0], b[1]));
                    measurements += 2;
                }
            }
            List<EntityCount> counts = new ArrayList<>();
            for (int j = 0; j < prot.size(); j++) {
                String name = "__veil_k_" + j;
                select.add(Nodes.aliased(Nodes.function("count", !rowsAreEntities, Nodes.column("__veil_e_" + j)), name));
                boolean noisy = prot.get(j) == dpTable;
                counts.add(new EntityCount(name, noisy, noisy && q.grouped() ? m : 1));
                hidden.add(name);
            }
            double epsilonEach = p.epsilonPerQuery() / measurements;
            long tau = q.grouped() ? (long) Math.ceil((m / epsilonEach) * Math.log(m / QueryPlanner.DELTA)) : 0;
            EnforcementSpec.Dp dp = new EnforcementSpec.Dp(p.epsilonPerQuery(), epsilonEach, QueryPlanner.DELTA, m, tau,
                    Math.round(p.epsilonPerQuery() * 1e6));
            EnforcementSpec spec = new EnforcementSpec(1, k, q.grouped(), maxOutputRows, q.limit(), q.distinct(), outputs,
                    counts, hidden, dp);
            String entity = Nodes.quote("__veil_e_" + prot.indexOf(dpTable));
            // One row per entity already meets any bound m >= 1 (validated above); the window would only cost time.
            String bounded = rowsAreEntities ? "SELECT * FROM \"__veil_rows\""
                    : "SELECT * FROM \"__veil_rows\" QUALIFY row_number() OVER (PARTITION BY " + entity + " ORDER BY random()) <= " + m;
            String sql = "WITH \"__veil_rows\" AS (" + innerSql + "), \"__veil_b\" AS (" + bounded + ") " + parser.deserialize(tree);
            return new ExecutionPlan(sql, inputs, spec);
        }

        /** Shapes whose DP release we cannot account for are refused rather than released without noise. */
        private void validate() {
            if (!(p.epsilonPerQuery() > 0) || !Double.isFinite(p.epsilonPerQuery()) || p.maxRowsPerEntity() < 1) {
                throw new PlanReject("DP_INVALID", "epsilon must be positive and maxRowsPerEntity at least 1");
            }
            if (q.hasHaving()) {
                throw new PlanReject("DP_HAVING_NOT_ALLOWED", "HAVING filters on exact aggregates and is not allowed under differential privacy");
            }
            if (q.orderByAggregate()) {
                throw new PlanReject("DP_ORDER_BY_AGGREGATE", "ordering by an aggregate reveals exact values under differential privacy");
            }
            for (SelectItem item : q.items()) {
                if (item.kind() == SelectItem.Kind.EXPRESSION) {
                    throw new PlanReject("DP_UNSUPPORTED_OUTPUT", "under differential privacy each output must be a group key "
                            + "or a single COUNT, SUM or AVG (output " + item.name() + ")");
                }
                if (item.kind() == SelectItem.Kind.AGGREGATE) {
                    if (item.aggregate() == Aggregate.MIN || item.aggregate() == Aggregate.MAX) {
                        throw new PlanReject("DP_AGGREGATE_NOT_ALLOWED", item.aggregate() + " is not allowed under differential privacy");
                    }
                    if (item.aggregate() != Aggregate.COUNT) {
                        bounds(item);
                    }
                }
            }
        }

        private double[] bounds(SelectItem item) {
            if (item.argument() == null) {
                throw new PlanReject("DP_UNSUPPORTED_AGGREGATE", item.aggregate()
                        + " under differential privacy must take a single column (output " + item.name() + ")");
            }
            String col = item.argument().column().name();
            double[] b = item.argument().table() != dpTable.table() ? null : p.contributionBounds().entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(col)).map(Map.Entry::getValue).findFirst().orElse(null);
            if (b == null || b.length != 2 || !Double.isFinite(b[0]) || !Double.isFinite(b[1]) || b[0] > b[1]) {
                throw new PlanReject("DP_BOUNDS_MISSING", item.aggregate() + " on column " + col
                        + " needs contribution bounds under differential privacy");
            }
            return b;
        }

        private static ObjectNode clamp(JsonNode argument, double[] b) {
            return Nodes.function("least", false,
                    Nodes.function("greatest", false, Nodes.castToDouble(argument), Nodes.doubleConstant(b[0])),
                    Nodes.doubleConstant(b[1]));
        }

        /** alias.column becomes a column of the bounded row set. */
        private void renameColumn(ObjectNode n) {
            if ("COLUMN_REF".equals(n.path("class").asText()) && n.path("column_names").size() == 2) {
                String alias = n.get("column_names").get(0).asText();
                String col = n.get("column_names").get(1).asText();
                String key = alias.toLowerCase(Locale.ROOT) + "\u0000" + col.toLowerCase(Locale.ROOT);
                String[] entry = innerColumns.computeIfAbsent(key,
                        x -> new String[] {alias, col, "__veil_c_" + innerColumns.size()});
                ArrayNode names = n.putArray("column_names");
                names.add(entry[2]);
            }
        }

        /** SELECT the referenced columns and entity ids FROM the user's joins WHERE the user's filter. */
        private ObjectNode innerQuery() {
            ObjectNode inner = parser.selectTemplate();
            ArrayNode list = inner.putArray("select_list");
            for (String[] c : innerColumns.values()) {
                list.add(Nodes.aliased(Nodes.column(c[0], c[1]), c[2]));
            }
            for (int j = 0; j < prot.size(); j++) {
                list.add(Nodes.aliased(Nodes.column(prot.get(j).table().alias(), prot.get(j).entity()), "__veil_e_" + j));
            }
            inner.set("from_table", tree.get("from_table").deepCopy());
            inner.set("where_clause", tree.get("where_clause").deepCopy());
            return inner;
        }
    }
}
