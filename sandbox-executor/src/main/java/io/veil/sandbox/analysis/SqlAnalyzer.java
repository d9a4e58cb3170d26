package io.veil.sandbox.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Structural analysis of a consumer's SQL (DESIGN.md "Jobs", step 2). The supported shape is one
 * aggregate SELECT over contract datasets with inner key joins; everything outside it is rejected with a
 * stable code. Which column uses a contract permits is the policy engine's call, made on the
 * footprint this returns. Thread-safe: each call borrows its own parser connection.
 */
public final class SqlAnalyzer {
    public static final int MAX_SQL_LENGTH = 20_000;

    /**
     * @param sql    the consumer's query
     * @param tables the datasets the query may read, keyed by the name(s) it may use for them
     *               (matched case-insensitively)
     */
    public AnalysisResult analyze(String sql, Map<String, TableBinding> tables) {
        if (sql == null || sql.isBlank()) {
            return new AnalysisResult.Rejected(Codes.PARSE_ERROR, "the query is empty");
        }
        if (sql.length() > MAX_SQL_LENGTH) {
            return new AnalysisResult.Rejected(Codes.TOO_LONG, "queries are limited to " + MAX_SQL_LENGTH + " characters");
        }
        Map<String, TableBinding> byName = new HashMap<>();
        tables.forEach((k, v) -> byName.put(k.toLowerCase(Locale.ROOT), v));
        try (DuckDbParser parser = new DuckDbParser()) {
            ObjectNode node = selectNode(parser, sql);
            return new AnalysisResult.Accepted(new QueryChecker(parser, byName).check(node));
        } catch (Reject r) {
            return new AnalysisResult.Rejected(r.code, r.getMessage());
        } catch (RuntimeException e) {
            // Never let an unexpected tree shape turn into an accepted query or a message with SQL in it.
            return new AnalysisResult.Rejected(Codes.ANALYZER_UNAVAILABLE, "the query could not be analysed");
        }
    }

    private static ObjectNode selectNode(DuckDbParser parser, String sql) {
        JsonNode root;
        try {
            root = parser.serialize(sql);
        } catch (SQLException e) {
            throw new Reject(Codes.PARSE_ERROR, "the query could not be parsed");
        }
        if (root.path("error").asBoolean(true)) {
            String msg = root.path("error_message").asText("");
            if (msg.contains("Only SELECT statements")) {
                throw new Reject(Codes.NOT_SELECT, "only a single SELECT statement is allowed");
            }
            String pos = root.path("position").asText("");
            throw new Reject(Codes.PARSE_ERROR, "the query could not be parsed" + (pos.matches("\\d{1,6}") ? " near position " + pos : ""));
        }
        JsonNode statements = root.path("statements");
        if (statements.size() != 1) {
            throw new Reject(statements.isEmpty() ? Codes.PARSE_ERROR : Codes.MULTIPLE_STATEMENTS,
                    statements.isEmpty() ? "the query is empty" : "exactly one statement is allowed");
        }
        JsonNode stmt = statements.get(0);
        Tree.onlyKeys(stmt, java.util.Set.of("node", "named_param_map"), "statement");
        if (!Tree.emptyArray(stmt, "named_param_map")) {
            throw Reject.unsupported("named parameters");
        }
        JsonNode node = stmt.get("node");
        String type = Tree.text(node, "type");
        return switch (type) {
            case "SELECT_NODE" -> (ObjectNode) node;
            case "SET_OPERATION_NODE" -> throw new Reject(Codes.SET_OPERATION, "UNION, INTERSECT and EXCEPT are not allowed");
            case "CTE_NODE", "RECURSIVE_CTE_NODE" -> throw new Reject(Codes.CTE_NOT_ALLOWED, "WITH (common table expressions) is not allowed");
            default -> throw new Reject(Codes.NOT_SELECT, "only a single SELECT statement is allowed");
        };
    }
}
