package io.veil.sandbox.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.duckdb.DuckDBConnection;

/**
 * DuckDB's own parser, used as a library: {@code json_serialize_sql} turns SQL into a tree and
 * {@code json_deserialize_sql} turns a (rewritten) tree back into SQL. User SQL is only ever passed
 * as a string parameter to these two functions, never executed. Using the engine's parser (not our own
 * grammar) means the tree we check is exactly what the engine will run.
 *
 * <p>All parsers share one in-memory database that holds no data, with external access off and its
 * configuration locked; each instance borrows one of its connections and returns it on close (opening
 * a DuckDB database costs ~7 ms, two per job, for nothing: both functions are pure). Not thread-safe:
 * one instance per thread, as before.
 */
public final class DuckDbParser implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_IDLE = 8;
    private static final ConcurrentLinkedDeque<Connection> IDLE = new ConcurrentLinkedDeque<>();
    private static DuckDBConnection shared;
    private final Connection connection;
    private boolean closed;

    public DuckDbParser() {
        Connection c = IDLE.pollFirst();
        try {
            connection = c != null ? c : sharedDatabase().duplicate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the DuckDB parser", e);
        }
    }

    private static synchronized DuckDBConnection sharedDatabase() throws SQLException {
        if (shared == null) {
            DuckDBConnection c = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
            try (Statement s = c.createStatement()) {
                s.execute("SET enable_external_access = false");
                s.execute("SET lock_configuration = true");
            }
            shared = c; // never closed: it lives as long as the class
        }
        return shared;
    }

    /** The raw serializer output: {"error":..., "statements":[...]} or an error object. */
    public JsonNode serialize(String sql) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT json_serialize_sql(CAST(? AS VARCHAR))")) {
            ps.setString(1, sql);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return JSON.readTree(rs.getString(1));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new SQLException("unreadable parse tree");
            }
        }
    }

    /** SQL text for one SELECT node (the {@code node} of a statement). */
    public String deserialize(JsonNode selectNode) {
        ObjectNode stmt = JSON.createObjectNode();
        stmt.set("node", selectNode);
        stmt.set("named_param_map", JSON.createArrayNode());
        ObjectNode root = JSON.createObjectNode();
        root.put("error", false);
        ArrayNode statements = root.putArray("statements");
        statements.add(stmt);
        try (PreparedStatement ps = connection.prepareStatement("SELECT json_deserialize_sql(CAST(? AS JSON))")) {
            ps.setString(1, JSON.writeValueAsString(root));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            // Our own rewritten tree failed to print: a bug on our side, reported without the tree.
            throw new IllegalStateException("cannot render the rewritten query");
        }
    }

    /** A fresh SELECT_NODE template (SELECT 1) whose fields the rewriter can fill in. */
    public ObjectNode selectTemplate() {
        try {
            return (ObjectNode) serialize("SELECT 1").get("statements").get(0).get("node");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot build a query template");
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (IDLE.size() < MAX_IDLE) {
            IDLE.addFirst(connection);
            return;
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // a connection to an in-memory database without data; nothing to flush
        }
    }
}
