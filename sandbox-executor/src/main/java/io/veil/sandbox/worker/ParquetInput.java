package io.veil.sandbox.worker;

import io.veil.crypto.ByteRange;
import io.veil.crypto.DataKey;
import io.veil.crypto.PartialDecryption;

import java.io.IOException;
import java.io.RandomAccessFile;
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
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a version's encrypted Parquet copy (ADR 0015) by decrypting only what the job's SQL can read
 * (ADR 0017): the file's footer, then the column chunks of the columns the SQL names. The view the
 * SQL reads exposes exactly those columns, so DuckDB has no way to reach the rest of the file, which
 * stays zero bytes in the sparse RAM file. Every decrypted segment is authenticated; so is the last
 * one, and with it the file's length.
 */
final class ParquetInput {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    private ParquetInput() {}

    /**
     * Decrypts the parts of {@code blob} that {@code sql} needs into {@code plain} (which must not
     * exist) and creates view {@code t.internalName()} over them with the catalog's names and types.
     *
     * @return the table's row count (from the authenticated footer)
     */
    static long load(Connection c, WorkerRequest.Table t, DataKey key, Path blob, Path plain, String sql)
            throws SQLException, Unauthentic {
        try (PartialDecryption file = key.decryptPartially(blob, plain, t.associatedData().getBytes(StandardCharsets.UTF_8))) {
            long size = file.plaintextSize();
            if (size < 2L * MAGIC.length + 4) throw new IllegalStateException("not a Parquet file");
            file.decrypt(List.of(new ByteRange(0, MAGIC.length), new ByteRange(size - 8, 8)));
            long footer = footerLength(plain, size);
            file.decrypt(List.of(new ByteRange(size - 8 - footer, footer)));
            Layout layout = layout(c, plain);
            List<WorkerRequest.Column> columns = needed(t.columns(), sql,
                    name -> layout.chunks.getOrDefault(name, List.of()).stream().mapToLong(ByteRange::length).sum());
            List<ByteRange> ranges = new ArrayList<>();
            for (WorkerRequest.Column col : columns) ranges.addAll(layout.chunks.getOrDefault(col.name().toLowerCase(Locale.ROOT), List.of()));
            file.decrypt(ranges);
            StringBuilder select = new StringBuilder();
            for (WorkerRequest.Column col : columns) {
                if (select.length() > 0) select.append(", ");
                select.append('"').append(col.name()).append("\"::").append(col.type()).append(" AS \"").append(col.name()).append('"');
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE VIEW " + t.internalName() + " AS SELECT " + select + " FROM read_parquet('" + Worker.sqlPath(plain) + "')");
            }
            return layout.rows;
        } catch (IOException e) {
            throw new Unauthentic();
        }
    }

    /**
     * The columns whose names occur as identifiers in the SQL (a superset of what it reads); at least the
     * cheapest one by {@code bytes} (of a lower-case name), since a view needs a column.
     */
    static List<WorkerRequest.Column> needed(List<WorkerRequest.Column> columns, String sql, ToLongFunction<String> bytes) {
        Set<String> tokens = new HashSet<>();
        Matcher m = IDENTIFIER.matcher(sql);
        while (m.find()) tokens.add(m.group().toLowerCase(Locale.ROOT));
        List<WorkerRequest.Column> out = new ArrayList<>();
        WorkerRequest.Column cheapest = null;
        long cheapestBytes = Long.MAX_VALUE;
        for (WorkerRequest.Column col : columns) {
            String name = col.name().toLowerCase(Locale.ROOT);
            if (tokens.contains(name)) out.add(col);
            long size = bytes.applyAsLong(name);
            if (size < cheapestBytes) {
                cheapest = col;
                cheapestBytes = size;
            }
        }
        if (out.isEmpty() && cheapest != null) out.add(cheapest); // e.g. COUNT(*) alone: a view needs one column
        return out;
    }

    /** Where each column's chunks (dictionary, data pages, bloom filter) lie, and the row count, per the footer. */
    record Layout(Map<String, List<ByteRange>> chunks, long rows) {}

    private static Layout layout(Connection c, Path plain) throws SQLException {
        Map<String, List<ByteRange>> chunks = new HashMap<>();
        Map<Long, Long> rowGroups = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT path_in_schema, row_group_id, row_group_num_rows, "
                + "dictionary_page_offset, data_page_offset, total_compressed_size, bloom_filter_offset, bloom_filter_length "
                + "FROM parquet_metadata('" + Worker.sqlPath(plain) + "')")) {
            while (rs.next()) {
                List<ByteRange> list = chunks.computeIfAbsent(rs.getString(1).toLowerCase(Locale.ROOT), k -> new ArrayList<>());
                rowGroups.put(rs.getLong(2), rs.getLong(3));
                long data = rs.getLong(5);
                long dict = rs.getLong(4);
                long start = !rs.wasNull() && dict > 0 && dict < data ? dict : data;
                list.add(new ByteRange(start, rs.getLong(6)));
                long bloom = rs.getLong(7);
                if (!rs.wasNull() && bloom > 0) list.add(new ByteRange(bloom, rs.getLong(8)));
            }
        }
        return new Layout(chunks, rowGroups.values().stream().mapToLong(Long::longValue).sum());
    }

    /** The footer's length from the authenticated tail: length (4 bytes, little-endian) then "PAR1". */
    private static long footerLength(Path plain, long size) throws IOException {
        byte[] tail = new byte[8];
        try (RandomAccessFile f = new RandomAccessFile(plain.toFile(), "r")) {
            f.seek(size - 8);
            f.readFully(tail);
        }
        for (int i = 0; i < MAGIC.length; i++) if (tail[4 + i] != MAGIC[i]) throw new IllegalStateException("not a Parquet file");
        long length = (tail[0] & 0xffL) | (tail[1] & 0xffL) << 8 | (tail[2] & 0xffL) << 16 | (tail[3] & 0xffL) << 24;
        if (length <= 0 || length > size - 12) throw new IllegalStateException("bad Parquet footer");
        return length;
    }
}
