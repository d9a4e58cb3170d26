package io.veil.gateway.ingest;

import io.veil.policy.ColumnRole;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Parquet uploads. Parquet's footer is at the end, so it cannot be parsed as a stream: the upload
 * is spooled to /dev/shm (RAM — never persistent disk), read with DuckDB into the same normalised
 * CSV as the CSV path, and deleted in all cases.
 */
public final class ParquetIngest {
    private static final Path SHM = Path.of("/dev/shm");

    private ParquetIngest() {}

    public static IngestResult ingest(InputStream upload, Map<String, String> declaredRoles, IngestLimits limits,
                                      OutputStream normalizedSink) {
        if (!Files.isDirectory(SHM) || !Files.isWritable(SHM)) {
            throw new IngestException("PARQUET_UNSUPPORTED_HERE", "Parquet needs a RAM file system (/dev/shm) on this node; upload CSV");
        }
        Path spool = SHM.resolve("veil-upload-" + UUID.randomUUID() + ".parquet");
        MeteredInput metered = new MeteredInput(upload, limits.maxBytes());
        try {
            try (OutputStream out = Files.newOutputStream(spool)) {
                metered.transferTo(out);
            }
            return read(spool, declaredRoles, limits, normalizedSink, metered);
        } catch (IOException e) {
            throw new IngestException("UPLOAD_TRUNCATED", "the upload ended before it was complete");
        } finally {
            try {
                Files.deleteIfExists(spool);
            } catch (IOException ignored) {
                // RAM-backed; gone at reboot at the latest
            }
        }
    }

    private static IngestResult read(Path file, Map<String, String> roles, IngestLimits limits, OutputStream sink,
                                     MeteredInput metered) {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
            c.createStatement().execute("SET autoinstall_known_extensions=false");
            c.createStatement().execute("SET autoload_known_extensions=false");
            List<String> names = new ArrayList<>();
            List<Types> types = new ArrayList<>();
            try (PreparedStatement d = c.prepareStatement("DESCRIBE SELECT * FROM read_parquet(?)")) {
                d.setString(1, file.toString());
                try (ResultSet rs = d.executeQuery()) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                        types.add(map(rs.getString(2), names.size()));
                    }
                }
            }
            List<ColumnRole> columnRoles = RowSink.checkHeader(names, roles, limits.maxColumns());
            RowSink rows = new RowSink(sink);
            rows.start(names, columnRoles, types);
            long line = 1;
            try (PreparedStatement q = c.prepareStatement("SELECT * FROM read_parquet(?)")) {
                q.setString(1, file.toString());
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        List<String> cells = new ArrayList<>(names.size());
                        for (int i = 1; i <= names.size(); i++) {
                            String v = rs.getString(i);
                            if (v != null && v.length() > limits.maxFieldChars()) {
                                throw new IngestException("CSV_FIELD_TOO_LONG", "a value in row " + line + " is too long");
                            }
                            cells.add(v == null ? "" : v);
                        }
                        rows.row(cells, ++line);
                    }
                }
            }
            if (line == 1) throw new IngestException("CSV_HEADER_ONLY", "the file has no rows");
            return rows.finish(metered.sha256Hex(), metered.count());
        } catch (SQLException e) {
            throw new IngestException("PARQUET_MALFORMED", "the file is not readable Parquet");
        }
    }

    private static Types map(String duckType, int column) {
        String t = duckType.toUpperCase(Locale.ROOT);
        if (t.matches("(BIGINT|INTEGER|SMALLINT|TINYINT|UINTEGER|USMALLINT|UTINYINT)")) return Types.BIGINT;
        if (t.matches("(DOUBLE|FLOAT|REAL)") || t.startsWith("DECIMAL")) return Types.DOUBLE;
        if (t.equals("BOOLEAN")) return Types.BOOLEAN;
        if (t.equals("DATE")) return Types.DATE;
        if (t.equals("VARCHAR")) return Types.VARCHAR;
        throw new IngestException("PARQUET_UNSUPPORTED_TYPE", "column " + column + " has an unsupported Parquet type " + duckType);
    }
}
