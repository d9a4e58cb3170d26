package io.veil.sandbox.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The DuckDB-native job copy of a dataset version (ADR 0019): one DuckDB database file holding table
 * {@code data}, whose low-cardinality VARCHAR columns are stored as sorted {@code ENUM}s (grouping and
 * filtering then work on small integer codes; every allowed operation gives the same answer as on
 * VARCHAR), followed by a trailer that says where each column's storage blocks lie, so a worker can
 * decrypt only the blocks a job can read (as {@link ParquetInput} does with Parquet's footer).
 *
 * <p>Layout of the file that is encrypted: the DuckDB file ({@code n} bytes), the layout as UTF-8
 * JSON ({@code l} bytes), {@code l} and {@code n} as 8-byte big-endian integers, then {@link #MAGIC}.
 * The whole is one authenticated stream, so the layout is as trustworthy as the data.
 */
public final class DuckDbCopy {
    /** A VARCHAR column with at most this many distinct values (estimated) is stored as an ENUM. */
    static final long ENUM_MAX_VALUES = 65_535;
    static final byte[] MAGIC = "VEILDDB1".getBytes(StandardCharsets.US_ASCII);
    static final int TRAILER_BYTES = 8 + 8 + MAGIC.length;
    /** DuckDB's file header: a main header and two database headers of 4 KiB each, before block 0. */
    static final long HEADER_BYTES = 3 * 4096;
    static final String TABLE = "data";
    private static final String ALIAS = "veil_copy";
    private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Pattern TYPE = Pattern.compile("BIGINT|DOUBLE|BOOLEAN|DATE|VARCHAR");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the parts of a copy lie. {@code columns}: block ids holding each column's segments. */
    record Layout(long fileBytes, long blockBytes, long rows, Set<Long> metadataBlocks, Map<String, Set<Long>> columns) {}

    private DuckDbCopy() {}

    /**
     * Writes the copy of {@code source} (a relation {@code c} can read, e.g. {@code read_parquet('…')})
     * with {@code columns} (names and catalog types) to {@code out}, which must not exist; the caller
     * encrypts {@code out} as a whole. Uses and leaves {@code c}'s settings as they are.
     *
     * @return the names of the columns stored as ENUM
     */
    public static List<String> write(Connection c, String source, List<WorkerRequest.Column> columns, Path out)
            throws SQLException, IOException {
        for (WorkerRequest.Column col : columns) {
            if (!COLUMN.matcher(col.name()).matches() || !TYPE.matcher(col.type()).matches()) throw new IllegalArgumentException("bad column");
        }
        if (Files.exists(out) || out.toString().contains("'")) throw new IllegalArgumentException("bad copy path");
        List<String> enums = lowCardinality(c, source, columns);
        Layout layout;
        try (Statement s = c.createStatement()) {
            s.execute("ATTACH '" + out + "' AS " + ALIAS);
            try {
                StringBuilder select = new StringBuilder();
                for (int i = 0; i < columns.size(); i++) {
                    WorkerRequest.Column col = columns.get(i);
                    String q = '"' + col.name() + '"';
                    if (select.length() > 0) select.append(", ");
                    if (enums.contains(col.name())) {
                        // Sorted like VARCHAR (byte order), so <, >, MIN, MAX and ORDER BY agree with the VARCHAR column.
                        String type = ALIAS + ".e" + i;
                        s.execute("CREATE TYPE " + type + " AS ENUM (SELECT DISTINCT " + q + " FROM " + source + " WHERE " + q
                                + " IS NOT NULL ORDER BY 1)");
                        select.append(q).append("::").append(type).append(" AS ").append(q);
                    } else {
                        select.append(q).append("::").append(col.type()).append(" AS ").append(q);
                    }
                }
                s.execute("CREATE TABLE " + ALIAS + "." + TABLE + " AS SELECT " + select + " FROM " + source);
                s.execute("CHECKPOINT " + ALIAS);
            } finally {
                s.execute("DETACH " + ALIAS);
            }
            s.execute("ATTACH '" + out + "' AS " + ALIAS + " (READ_ONLY)");
            try {
                layout = layout(s, Files.size(out));
            } finally {
                s.execute("DETACH " + ALIAS);
            }
        }
        byte[] json = toJson(layout);
        try (OutputStream o = Files.newOutputStream(out, StandardOpenOption.APPEND)) {
            o.write(json);
            o.write(ByteBuffer.allocate(16).putLong(json.length).putLong(layout.fileBytes()).array());
            o.write(MAGIC);
        }
        return enums;
    }

    /** The VARCHAR columns worth an ENUM: few distinct values (HyperLogLog estimate, one scan for all of them). */
    private static List<String> lowCardinality(Connection c, String source, List<WorkerRequest.Column> columns) throws SQLException {
        List<String> varchar = columns.stream().filter(col -> col.type().equals("VARCHAR")).map(WorkerRequest.Column::name).toList();
        if (varchar.isEmpty()) return List.of();
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < varchar.size(); i++) sql.append(i > 0 ? ", " : "").append("approx_count_distinct(\"").append(varchar.get(i)).append("\")");
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql + " FROM " + source)) {
            rs.next();
            for (int i = 0; i < varchar.size(); i++) if (rs.getLong(i + 1) <= ENUM_MAX_VALUES) out.add(varchar.get(i));
        }
        return out;
    }

    private static Layout layout(Statement s, long fileBytes) throws SQLException {
        long blockBytes;
        try (ResultSet rs = s.executeQuery("SELECT block_size FROM pragma_database_size() WHERE database_name = '" + ALIAS + "'")) {
            if (!rs.next()) throw new IllegalStateException("copy not attached");
            blockBytes = rs.getLong(1);
        }
        if (blockBytes <= 0 || fileBytes < HEADER_BYTES || (fileBytes - HEADER_BYTES) % blockBytes != 0) {
            throw new IllegalStateException("unexpected DuckDB file layout");
        }
        Set<Long> metadata = new TreeSet<>();
        try (ResultSet rs = s.executeQuery("SELECT block_id FROM pragma_metadata_info('" + ALIAS + "')")) {
            while (rs.next()) metadata.add(rs.getLong(1));
        }
        Map<String, Set<Long>> columns = new LinkedHashMap<>();
        try (ResultSet rs = s.executeQuery("SELECT column_name, block_id FROM pragma_storage_info('" + ALIAS + "." + TABLE
                + "') WHERE persistent AND block_id >= 0")) {
            while (rs.next()) columns.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getLong(2));
        }
        long rows;
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + ALIAS + "." + TABLE)) {
            rs.next();
            rows = rs.getLong(1);
        }
        return new Layout(fileBytes, blockBytes, rows, metadata, columns);
    }

    private static byte[] toJson(Layout l) {
        ObjectNode n = JSON.createObjectNode();
        n.put("version", 1).put("fileBytes", l.fileBytes()).put("blockBytes", l.blockBytes()).put("rows", l.rows());
        l.metadataBlocks().forEach(n.putArray("metadataBlocks")::add);
        ObjectNode cols = n.putObject("columns");
        l.columns().forEach((name, blocks) -> blocks.forEach(cols.putArray(name)::add));
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Cuts a plaintext copy back to DuckDB's own file: drops the layout and trailer (read from the trailer itself). */
    static void stripTrailer(Path copy) throws IOException {
        byte[] last = new byte[TRAILER_BYTES];
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(copy.toFile(), "rw")) {
            f.seek(f.length() - TRAILER_BYTES);
            f.readFully(last);
            f.setLength(trailer(last, f.length())[1]);
        }
    }

    /** Reads the trailer's two lengths: {json length, DuckDB file length}; checks the magic and bounds. */
    static long[] trailer(byte[] last, long totalBytes) {
        if (last.length != TRAILER_BYTES || !Arrays.equals(Arrays.copyOfRange(last, 16, TRAILER_BYTES), MAGIC)) {
            throw new IllegalStateException("not a DuckDB job copy");
        }
        ByteBuffer b = ByteBuffer.wrap(last);
        long json = b.getLong();
        long file = b.getLong();
        if (json <= 0 || json > (1 << 26) || file < HEADER_BYTES || file + json + TRAILER_BYTES != totalBytes) {
            throw new IllegalStateException("bad DuckDB job copy trailer");
        }
        return new long[] {json, file};
    }

    static Layout parse(byte[] json, long fileBytes) throws IOException {
        JsonNode n = JSON.readTree(json);
        if (n.path("version").asInt() != 1 || n.path("fileBytes").asLong() != fileBytes) throw new IllegalStateException("bad layout");
        long blockBytes = n.path("blockBytes").asLong();
        if (blockBytes <= 0 || (fileBytes - HEADER_BYTES) % blockBytes != 0) throw new IllegalStateException("bad layout");
        Set<Long> metadata = new TreeSet<>();
        n.path("metadataBlocks").forEach(b -> metadata.add(b.asLong()));
        Map<String, Set<Long>> columns = new HashMap<>();
        n.path("columns").fields().forEachRemaining(e -> {
            Set<Long> blocks = new TreeSet<>();
            e.getValue().forEach(b -> blocks.add(b.asLong()));
            columns.put(e.getKey().toLowerCase(java.util.Locale.ROOT), blocks);
        });
        return new Layout(fileBytes, blockBytes, n.path("rows").asLong(), metadata, columns);
    }
}
