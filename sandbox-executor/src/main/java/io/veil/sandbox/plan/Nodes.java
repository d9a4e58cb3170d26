package io.veil.sandbox.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;
import java.util.function.Consumer;

/** Builders for the few DuckDB tree nodes the rewriter adds, in the exact shape the parser emits. */
final class Nodes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BigInteger NO_LOCATION = new BigInteger("18446744073709551615");

    private Nodes() {
    }

    private static ObjectNode expr(String cls, String type) {
        ObjectNode n = JSON.createObjectNode();
        n.put("class", cls);
        n.put("type", type);
        n.put("alias", "");
        n.put("query_location", NO_LOCATION);
        return n;
    }

    static ObjectNode column(String... names) {
        ObjectNode n = expr("COLUMN_REF", "COLUMN_REF");
        ArrayNode a = n.putArray("column_names");
        for (String s : names) {
            a.add(s);
        }
        return n;
    }

    static ObjectNode function(String name, boolean distinct, JsonNode... children) {
        ObjectNode n = expr("FUNCTION", "FUNCTION");
        n.put("function_name", name);
        n.put("schema", "");
        ArrayNode c = n.putArray("children");
        for (JsonNode ch : children) {
            c.add(ch);
        }
        n.putNull("filter");
        ObjectNode orderBys = n.putObject("order_bys");
        orderBys.put("type", "ORDER_MODIFIER");
        orderBys.putArray("orders");
        n.put("distinct", distinct);
        n.put("is_operator", false);
        n.put("export_state", false);
        n.put("catalog", "");
        return n;
    }

    /** A constant of DuckDB type {@code typeId}; the caller sets {@code value.value} unless it is NULL. */
    private static ObjectNode constant(String typeId, boolean isNull) {
        ObjectNode n = expr("CONSTANT", "VALUE_CONSTANT");
        ObjectNode value = n.putObject("value");
        ObjectNode type = value.putObject("type");
        type.put("id", typeId);
        type.putNull("type_info");
        value.put("is_null", isNull);
        return n;
    }

    static ObjectNode doubleConstant(double v) {
        ObjectNode n = constant("DOUBLE", false);
        ((ObjectNode) n.get("value")).put("value", v);
        return n;
    }

    static ObjectNode integerConstant(long v) {
        ObjectNode n = constant("BIGINT", false);
        ((ObjectNode) n.get("value")).put("value", v);
        return n;
    }

    static ObjectNode nullConstant() {
        return constant("NULL", true);
    }

    static ObjectNode and(List<? extends JsonNode> terms) {
        if (terms.size() == 1) {
            return (ObjectNode) terms.get(0);
        }
        ObjectNode n = expr("CONJUNCTION", "CONJUNCTION_AND");
        ArrayNode c = n.putArray("children");
        terms.forEach(c::add);
        return n;
    }

    static ObjectNode isNotNull(JsonNode child) {
        ObjectNode n = expr("OPERATOR", "OPERATOR_IS_NOT_NULL");
        n.putArray("children").add(child);
        return n;
    }

    static ObjectNode atLeast(JsonNode left, long bound) {
        ObjectNode n = expr("COMPARISON", "COMPARE_GREATERTHANOREQUALTO");
        n.set("left", left);
        n.set("right", integerConstant(bound));
        return n;
    }

    /** CASE WHEN condition THEN value END (else NULL). */
    static ObjectNode when(JsonNode condition, JsonNode value) {
        ObjectNode n = expr("CASE", "CASE_EXPR");
        ObjectNode check = n.putArray("case_checks").addObject();
        check.set("when_expr", condition);
        check.set("then_expr", value);
        n.set("else_expr", nullConstant());
        return n;
    }

    static ObjectNode castToDouble(JsonNode child) {
        ObjectNode n = expr("CAST", "OPERATOR_CAST");
        n.set("child", child);
        ObjectNode type = n.putObject("cast_type");
        type.put("id", "DOUBLE");
        type.putNull("type_info");
        n.put("try_cast", true);
        return n;
    }

    static ObjectNode baseTable(String name, String alias) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "BASE_TABLE");
        n.put("alias", alias);
        n.putNull("sample");
        n.put("query_location", NO_LOCATION);
        n.put("schema_name", "");
        n.put("table_name", name);
        n.putArray("column_name_alias");
        n.put("catalog_name", "");
        n.putNull("at_clause");
        return n;
    }

    static ObjectNode aliased(ObjectNode n, String alias) {
        n.put("alias", alias);
        return n;
    }

    /** Visits every object node below {@code n} (depth first, including n). */
    static void eachObject(JsonNode n, Consumer<ObjectNode> visit) {
        if (n == null) {
            return;
        }
        if (n.isObject()) {
            visit.accept((ObjectNode) n);
        }
        for (JsonNode child : n) {
            eachObject(child, visit);
        }
    }

    /** SQL identifier quoting for names we put into our own SQL text. */
    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
