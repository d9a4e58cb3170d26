package io.veil.gateway.ingest;

import io.veil.policy.ColumnRole;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Parquet uploads. Parquet's footer is at the end, so it cannot be parsed as a stream: the upload
 * is spooled (size-limited, owner-only) to this node's {@link RamSpool} on /dev/shm — RAM, never
 * persistent disk (invariant 5) — read with a fresh in-memory DuckDB into the same normalised CSV and
 * statistics as the CSV path, and deleted in all cases (a killed node's spool is swept at restart). Types map onto the five stored types; anything else is refused.
 */
public final class ParquetIngest {
    private ParquetIngest() {}

    /** Spools to this node's RAM spool; PARQUET_UNSUPPORTED_HERE when it has none. */
    public static IngestResult ingest(InputStream upload, Map<String, String> declaredRoles, IngestLimits limits,
                                      OutputStream normalizedSink, RamSpool spool) {
        Path dir = spool.dir().orElseThrow(() -> new IngestException("PARQUET_UNSUPPORTED_HERE",
                "Parquet needs a RAM file system (/dev/shm) on this node; upload CSV instead"));
        return ingest(upload, declaredRoles, limits, normalizedSink, dir);
    }

    static IngestResult ingest(InputStream upload, Map<String, String> declaredRoles, IngestLimits limits,
                               OutputStream normalizedSink, Path ramDir) {
        if (!Files.isDirectory(ramDir) || !Files.isWritable(ramDir)) {
            throw new IngestException("PARQUET_UNSUPPORTED_HERE", "Parquet needs a RAM file system (/dev/shm) on this node; upload CSV instead");
        }
        MeteredInput metered = new MeteredInput(upload, limits.maxBytes());
        Path dir = null;
        try {
            dir = Files.createTempDirectory(ramDir, "veil-upload-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path spool = dir.resolve("upload.parquet");
            try (OutputStream out = Files.newOutputStream(spool)) {
                metered.transferTo(out); // MeteredInput stops at maxBytes, so the RAM spool is bounded too
            }
            return read(spool, dir.resolve("spill"), declaredRoles, limits, normalizedSink, metered);
        } catch (IOException e) {
            throw new IngestException("UPLOAD_TRUNCATED", "the upload ended before it was complete");
        } finally {
            if (dir != null) {
                try {
                    RamSpool.delete(dir);
                } catch (IOException ignored) {
                    // swept when the node restarts, gone at reboot at the latest
                }
            }
        }
    }

    private static IngestResult read(Path file, Path spill, Map<String, String> declaredRoles, IngestLimits limits,
                                     OutputStream sink, MeteredInput metered) {
        Properties props = new Properties();
        props.setProperty("jdbc_stream_results", "true"); // stream rows instead of materialising the whole file
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:", props)) {
            try (Statement s = c.createStatement()) {
                s.execute("SET autoinstall_known_extensions=false");
                s.execute("SET autoload_known_extensions=false");
                s.execute("SET threads=1");
                s.execute("SET memory_limit='512MB'");
                s.execute("SET temp_directory='" + spill + "'"); // a spill stays in RAM and in the spool too
            }
            List<String> names = new ArrayList<>();
            List<String> duckTypes = new ArrayList<>();
            try (PreparedStatement d = c.prepareStatement("DESCRIBE SELECT * FROM read_parquet(?)")) {
                d.setString(1, file.toString());
                try (ResultSet rs = d.executeQuery()) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                        duckTypes.add(rs.getString(2));
                    }
                }
            }
            List<ColumnRole> roles = Header.check(names, declaredRoles, limits.maxColumns()); // names are safe to echo after this
            List<Types> types = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) types.add(map(duckTypes.get(i), names.get(i)));
            Normalizer normalizer = new Normalizer(names, roles, types, sink);
            long rows = 0;
            Row row = new Row();
            try (PreparedStatement q = c.prepareStatement("SELECT * FROM read_parquet(?)")) {
                q.setString(1, file.toString());
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                        row.clear(rows + 1); // "line" as in the equivalent CSV: header is line 1
                        for (int i = 0; i < names.size(); i++) {
                            String v = text(rs, i + 1, duckTypes.get(i), types.get(i));
                            if (v != null) {
                                if (v.length() > limits.maxFieldChars()) {
                                    throw new IngestException("CSV_FIELD_TOO_LONG", "row " + rows + ", column " + names.get(i)
                                            + ": a value is longer than " + limits.maxFieldChars() + " characters");
                                }
                                row.append(v.toCharArray(), 0, v.length());
                            }
                            row.endField();
                        }
                        normalizer.row(row.chars, row.ends, row.line);
                    }
                }
            }
            if (rows == 0) throw new IngestException("CSV_HEADER_ONLY", "the file has no rows");
            return normalizer.finish(metered.sha256Hex(), metered.count());
        } catch (SQLException e) {
            throw new IngestException("PARQUET_MALFORMED", "the file is not readable Parquet");
        }
    }

    /** A cell as text the normaliser re-validates; null for NULL. Empty strings are NULL too, as in CSV. */
    private static String text(ResultSet rs, int i, String duckType, Types type) throws SQLException {
        String v = switch (type) {
            case BIGINT -> { long l = rs.getLong(i); yield rs.wasNull() ? null : Long.toString(l); }
            case DOUBLE -> {
                // FLOAT is widened via its own shortest text, so 1.1f is stored as 1.1 rather than 1.100000023841858.
                double d = duckType.equalsIgnoreCase("FLOAT") ? Double.parseDouble(Float.toString(rs.getFloat(i))) : rs.getDouble(i);
                yield rs.wasNull() ? null : Double.toString(d);
            }
            case BOOLEAN -> { boolean b = rs.getBoolean(i); yield rs.wasNull() ? null : Boolean.toString(b); }
            case DATE, VARCHAR -> rs.getString(i);
        };
        return v == null || v.isEmpty() ? null : v;
    }

    static Types map(String duckType, String column) {
        String t = duckType.toUpperCase(Locale.ROOT);
        switch (t) {
            case "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UINTEGER", "USMALLINT", "UTINYINT":
                return Types.BIGINT;
            case "DOUBLE", "FLOAT":
                return Types.DOUBLE;
            case "BOOLEAN":
                return Types.BOOLEAN;
            case "DATE":
                return Types.DATE;
            case "VARCHAR":
                return Types.VARCHAR;
            default:
                if (t.matches("DECIMAL\\(\\d+,\\d+\\)")) return Types.DOUBLE;
                // Echo the type only when it is a plain keyword: nested types carry user-chosen field names.
                String shown = t.matches("[A-Z_ ]{1,32}") ? t : "nested or parameterised type";
                throw new IngestException("PARQUET_UNSUPPORTED_TYPE", "column " + column + " has Parquet type " + shown
                        + "; supported: integers, FLOAT, DOUBLE, DECIMAL, BOOLEAN, DATE, VARCHAR");
        }
    }
}
