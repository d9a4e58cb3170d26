package io.veil.sandbox.plan;

import io.veil.sandbox.ResultTable;
import io.veil.sandbox.analysis.ColumnSchema;
import io.veil.sandbox.privacy.OutputEnforcer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a differentially private job releases when its run fails (docs/privacy.md §4, "Success or
 * failure"): nothing a value can cause fails any more (total evaluation), so what is left are resource
 * limits and crashes; were they shown as FAILED, success or failure would be a bit outside the
 * mechanism. Instead the job is released like any other, with the answer the enforcer gives when every
 * group is suppressed — an empty table with exactly the columns and types a success would have had.
 *
 * <p>The types come from preparing (binding, never executing) the planned SQL against empty tables of
 * the same schema in a throwaway in-memory database with external access off: no data is involved.
 */
public final class EmptyRelease {
    private static final Pattern NAME = Pattern.compile("t[0-9]{1,3}");
    private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Pattern TYPE = Pattern.compile("BIGINT|DOUBLE|BOOLEAN|DATE|VARCHAR");

    private EmptyRelease() {
    }

    /**
     * @param plan    the plan whose run failed
     * @param schemas each input dataset's columns, by dataset id
     */
    public static ResultTable of(ExecutionPlan plan, Map<String, List<ColumnSchema>> schemas) {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            for (TableInput in : plan.inputs()) {
                s.execute("CREATE TABLE " + checked(NAME, in.internalName()) + " (" + columns(schemas.get(in.datasetId())) + ")");
            }
            s.execute("SET enable_external_access = false");
            s.execute("SET lock_configuration = true");
            List<String> names = new ArrayList<>();
            List<String> types = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(plan.sql())) {
                ResultSetMetaData md = ps.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    names.add(md.getColumnLabel(i));
                    types.add(md.getColumnTypeName(i));
                }
            }
            return OutputEnforcer.enforce(new ResultTable(names, types, List.of()), plan.spec().toJson()).table();
        } catch (SQLException e) {
            throw new IllegalStateException("the plan's result shape could not be determined");
        }
    }

    private static String columns(List<ColumnSchema> schema) {
        StringBuilder sb = new StringBuilder();
        for (ColumnSchema col : schema) {
            if (sb.length() > 0) sb.append(", ");
            sb.append('"').append(checked(COLUMN, col.name())).append("\" ").append(checked(TYPE, col.type()));
        }
        return sb.toString();
    }

    private static String checked(Pattern p, String s) {
        if (!p.matcher(s).matches()) throw new IllegalArgumentException("unexpected name or type");
        return s;
    }
}
