package io.veil.sandbox.worker;

import io.veil.crypto.ByteRange;
import io.veil.crypto.DataKey;
import io.veil.crypto.PartialDecryption;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Loads a version's encrypted DuckDB job copy ({@link DuckDbCopy}, ADR 0019) by decrypting only what
 * the job's SQL can read: the trailer and layout, DuckDB's file header and metadata blocks, and every
 * block except those holding nothing but columns the SQL never names (blocks the layout does not list,
 * such as long strings' overflow blocks, are decrypted too). The file is attached read-only before the
 * database is locked down, and view {@code tN} exposes exactly the named columns, so nothing can reach
 * the undecrypted (zero) blocks. Every decrypted segment is authenticated, and so is the file's length.
 */
final class DuckDbInput {
    private DuckDbInput() {}

    /**
     * Decrypts the parts of {@code blob} that {@code sql} needs into {@code plain} (which must not exist),
     * attaches it read-only and creates view {@code t.internalName()} over the needed columns.
     *
     * @return the table's row count (from the authenticated layout)
     */
    static long load(Connection c, WorkerRequest.Table t, DataKey key, Path blob, Path plain, String sql)
            throws SQLException, Unauthentic {
        DuckDbCopy.Layout layout;
        List<WorkerRequest.Column> columns;
        try (PartialDecryption file = key.decryptPartially(blob, plain, t.associatedData().getBytes(StandardCharsets.UTF_8))) {
            long size = file.plaintextSize();
            if (size < DuckDbCopy.HEADER_BYTES + DuckDbCopy.TRAILER_BYTES) throw new IllegalStateException("not a DuckDB job copy");
            file.decrypt(List.of(new ByteRange(size - DuckDbCopy.TRAILER_BYTES, DuckDbCopy.TRAILER_BYTES)));
            long[] lengths = DuckDbCopy.trailer(read(plain, size - DuckDbCopy.TRAILER_BYTES, DuckDbCopy.TRAILER_BYTES), size);
            long fileBytes = lengths[1];
            file.decrypt(List.of(new ByteRange(fileBytes, lengths[0])));
            layout = DuckDbCopy.parse(read(plain, fileBytes, (int) lengths[0]), fileBytes);
            DuckDbCopy.Layout l = layout;
            columns = ParquetInput.needed(t.columns(), sql, name -> l.columns().getOrDefault(name, Set.of()).size());
            file.decrypt(ranges(layout, columns));
        } catch (IOException e) {
            throw new Unauthentic();
        }
        try {
            DuckDbCopy.stripTrailer(plain); // the trailer was authenticated above
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String alias = "s" + t.internalName();
        try (Statement s = c.createStatement()) {
            s.execute("ATTACH '" + Worker.sqlPath(plain) + "' AS " + alias + " (READ_ONLY)");
            checkTypes(s, alias, columns);
            StringBuilder select = new StringBuilder();
            for (WorkerRequest.Column col : columns) {
                if (select.length() > 0) select.append(", ");
                select.append('"').append(col.name()).append("\" AS \"").append(col.name()).append('"');
            }
            s.execute("CREATE VIEW " + t.internalName() + " AS SELECT " + select + " FROM " + alias + ".main." + DuckDbCopy.TABLE);
        }
        return layout.rows();
    }

    /** The header, the metadata blocks, and every block not exclusively holding columns outside {@code needed}; as merged ranges. */
    static List<ByteRange> ranges(DuckDbCopy.Layout layout, List<WorkerRequest.Column> needed) {
        Set<String> names = new HashSet<>();
        for (WorkerRequest.Column col : needed) names.add(col.name().toLowerCase(Locale.ROOT));
        Set<Long> skip = new HashSet<>();
        Set<Long> keep = new HashSet<>(layout.metadataBlocks());
        layout.columns().forEach((name, blocks) -> (names.contains(name) ? keep : skip).addAll(blocks));
        skip.removeAll(keep);
        long blocks = (layout.fileBytes() - DuckDbCopy.HEADER_BYTES) / layout.blockBytes();
        List<ByteRange> out = new ArrayList<>();
        long start = 0; // the run of wanted bytes being built, from the header on
        long end = DuckDbCopy.HEADER_BYTES;
        for (long b = 0; b < blocks; b++) {
            long at = DuckDbCopy.HEADER_BYTES + b * layout.blockBytes();
            if (skip.contains(b)) {
                if (end > start) out.add(new ByteRange(start, end - start));
                start = at + layout.blockBytes();
                end = start;
            } else {
                end = at + layout.blockBytes();
            }
        }
        if (end > start) out.add(new ByteRange(start, end - start));
        return out;
    }

    /** The copy's columns must have the catalog's types (a VARCHAR may be stored as ENUM); anything else is a bug, not data. */
    private static void checkTypes(Statement s, String alias, List<WorkerRequest.Column> columns) throws SQLException {
        Map<String, String> stored = new HashMap<>();
        try (ResultSet rs = s.executeQuery("SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = '" + alias
                + "' AND table_name = '" + DuckDbCopy.TABLE + "'")) {
            while (rs.next()) stored.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2));
        }
        for (WorkerRequest.Column col : columns) {
            String type = stored.get(col.name().toLowerCase(Locale.ROOT));
            boolean ok = type != null && (type.equals(col.type()) || col.type().equals("VARCHAR") && type.startsWith("ENUM("));
            if (!ok) throw new IllegalStateException("the job copy does not match the catalog");
        }
    }

    private static byte[] read(Path plain, long at, int length) throws IOException {
        byte[] b = new byte[length];
        try (RandomAccessFile f = new RandomAccessFile(plain.toFile(), "r")) {
            f.seek(at);
            f.readFully(b);
        }
        return b;
    }
}
