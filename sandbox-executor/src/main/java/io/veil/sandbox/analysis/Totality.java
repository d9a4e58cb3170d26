package io.veil.sandbox.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Makes every consumer expression total (docs/privacy.md §2, "Total evaluation"). A run-time error
 * that happens for some rows only turns a job's success or failure into an exact bit about hidden
 * data, under DP too, so no expression a consumer writes may raise:
 * <ul>
 *   <li>operands that would need a run-time conversion of text (a text column compared with a number,
 *       arithmetic on text) are refused with {@code SQL_TYPE_MISMATCH};</li>
 *   <li>a text literal compared with a date becomes an explicit date, checked here, instead of a
 *       conversion DuckDB would attempt only if some row reaches it;</li>
 *   <li>integer, decimal and date arithmetic (which overflows) is evaluated under DuckDB's
 *       {@code TRY(...)}: NULL instead of an error;</li>
 *   <li>CAST becomes TRY_CAST (in the planner).</li>
 * </ul>
 * Decisions are made while walking; the tree is changed only in {@link #apply()}, after every group
 * key has been compared, so that matching sees the query as written.
 */
final class Totality {
    private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private final Set<JsonNode> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<Runnable> edits = new ArrayList<>();

    /** Evaluates {@code expr} under TRY. Call after its children were walked (children are edited first). */
    void guard(JsonNode expr) {
        if (seen.add(expr)) {
            ObjectNode n = (ObjectNode) expr;
            edits.add(() -> {
                ObjectNode inner = n.deepCopy();
                n.removeAll();
                n.put("class", "OPERATOR");
                n.put("type", "OPERATOR_TRY");
                n.set("alias", inner.get("alias"));
                n.set("query_location", inner.get("query_location"));
                inner.put("alias", "");
                n.putArray("children").add(inner);
            });
        }
    }

    /**
     * The common type of two operands that meet in a comparison, IN, BETWEEN, CASE or COALESCE, or a
     * refusal when they only meet through a run-time conversion.
     */
    SqlType fit(JsonNode a, SqlType ta, JsonNode b, SqlType tb) {
        if (ta == SqlType.VARCHAR && tb == SqlType.DATE && isText(a)) {
            toDate(a);
            return SqlType.DATE;
        }
        if (tb == SqlType.VARCHAR && ta == SqlType.DATE && isText(b)) {
            toDate(b);
            return SqlType.DATE;
        }
        SqlType t = SqlType.unify(ta, tb);
        if (t == null) {
            throw new Reject(Codes.TYPE_MISMATCH, "values of type " + ta + " and " + tb + " cannot be compared or combined;"
                    + " compare text with text ('12', not 12) and numbers with numbers");
        }
        return t;
    }

    /** Arithmetic operands must be numbers or dates: text would be converted (and could fail) per row. */
    static void arithmeticOperand(SqlType t, String op) {
        if (t == SqlType.VARCHAR || t == SqlType.BOOLEAN) {
            throw new Reject(Codes.TYPE_MISMATCH, "operator " + op + " needs numbers; got " + t);
        }
    }

    /** Applies the recorded edits in walk order (innermost first). */
    void apply() {
        edits.forEach(Runnable::run);
        edits.clear();
    }

    private static boolean isText(JsonNode n) {
        return Literals.string(n) != null;
    }

    private void toDate(JsonNode literal) {
        String text = Literals.string(literal);
        try {
            if (!ISO_DATE.matcher(text).matches()) throw new DateTimeParseException("", text, 0);
            LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new Reject(Codes.LITERAL_NOT_ALLOWED, "dates are written 'YYYY-MM-DD'");
        }
        if (!seen.add(literal)) return;
        ObjectNode n = (ObjectNode) literal;
        edits.add(() -> {
            ObjectNode constant = n.deepCopy();
            n.removeAll();
            n.put("class", "CAST");
            n.put("type", "OPERATOR_CAST");
            n.put("alias", "");
            n.set("query_location", constant.get("query_location"));
            n.set("child", constant);
            ObjectNode type = n.putObject("cast_type");
            type.put("id", "DATE");
            type.set("type_info", JsonNodeFactory.instance.nullNode());
            n.put("try_cast", false);
        });
    }
}
