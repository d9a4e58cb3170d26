package io.veil.gateway.ingest;

import io.veil.policy.ColumnRole;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Shared by the CSV and Parquet paths: validates the header against the declared roles, then
 * normalises typed rows into the stored CSV and collects statistics.
 */
final class RowSink {
    static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private final NormalizedWriter writer;
    private List<ColumnInfo> schema;
    private List<Types> types;
    private List<Stats> stats;
    private long rows;

    RowSink(OutputStream sink) {
        this.writer = new NormalizedWriter(sink);
    }

    /** Validates names and roles; returns the roles in header order. */
    static List<ColumnRole> checkHeader(List<String> header, Map<String, String> declaredRoles, int maxColumns) {
        if (header.size() > maxColumns) throw new IngestException("CSV_TOO_MANY_COLUMNS", "more than " + maxColumns + " columns");
        List<String> seen = new ArrayList<>();
        List<ColumnRole> roles = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i);
            if (name.isBlank()) throw new IngestException("CSV_BLANK_COLUMN", "column " + (i + 1) + " has a blank name");
            if (!COLUMN.matcher(name).matches()) {
                throw new IngestException("CSV_BAD_COLUMN_NAME", "column " + (i + 1) + " has a name outside [A-Za-z_][A-Za-z0-9_]{0,62}");
            }
            if (seen.contains(name.toLowerCase())) throw new IngestException("CSV_DUPLICATE_COLUMN", "column " + name + " appears twice");
            seen.add(name.toLowerCase());
            String role = declaredRoles.get(name);
            if (role == null) throw new IngestException("COLUMN_ROLE_MISSING", "column " + name + " has no role in metadata.columns");
            roles.add(ColumnRole.parse(role).orElseThrow(() -> new IngestException("COLUMN_ROLE_UNKNOWN", "unknown role for column " + name)));
        }
        for (String declared : declaredRoles.keySet()) {
            if (!header.contains(declared)) {
                throw new IngestException("ROLE_FOR_UNKNOWN_COLUMN", "metadata.columns names a column the file does not have");
            }
        }
        return roles;
    }

    void start(List<String> header, List<ColumnRole> roles, List<Types> columnTypes) {
        schema = new ArrayList<>();
        stats = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            ColumnInfo c = new ColumnInfo(header.get(i), columnTypes.get(i).name(), roles.get(i));
            if (roles.get(i) == ColumnRole.METRIC && !columnTypes.get(i).numeric()) {
                throw new IngestException("METRIC_NOT_NUMERIC", "METRIC column " + c.name() + " is not numeric");
            }
            schema.add(c);
            stats.add(new Stats(c));
        }
        types = List.copyOf(columnTypes);
        writer.row(header);
    }

    /** One row of raw text cells (empty = NULL); {@code line} is used in errors only. */
    void row(List<String> cells, long line) {
        List<String> out = new ArrayList<>(cells.size());
        for (int i = 0; i < cells.size(); i++) {
            String v = cells.get(i);
            String norm = v.isEmpty() ? "" : types.get(i).normalize(v);
            if (norm == null) {
                throw new IngestException("CSV_TYPE_MISMATCH", "line " + line + ", column " + schema.get(i).name()
                        + ": value does not fit the inferred type " + types.get(i));
            }
            stats.get(i).add(norm);
            out.add(norm);
        }
        writer.row(out);
        rows++;
    }

    IngestResult finish(String sha256Hex, long bytesRead) {
        writer.flush();
        Map<String, ColumnStats> s = new LinkedHashMap<>();
        for (int i = 0; i < schema.size(); i++) s.put(schema.get(i).name(), stats.get(i).result());
        return new IngestResult(List.copyOf(schema), rows, sha256Hex, bytesRead, s);
    }
}
