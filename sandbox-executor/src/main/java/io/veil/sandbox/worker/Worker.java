package io.veil.sandbox.worker;

import io.veil.crypto.DataKey;
import io.veil.crypto.Suite;
import io.veil.sandbox.ResultTable;
import io.veil.sandbox.privacy.OutputEnforcer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Timer;
import java.util.TimerTask;
import java.util.regex.Pattern;

/**
 * The work done inside the sandbox: decrypt inputs into the RAM scratch area, load them into a
 * fresh in-memory DuckDB, lock it down (no external access, configuration locked, no extensions),
 * run the planner's SQL with a deadline, and enforce the output before returning it.
 */
final class Worker {
    private static final Pattern NAME = Pattern.compile("t[0-9]{1,3}");
    private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Pattern TYPE = Pattern.compile("BIGINT|DOUBLE|BOOLEAN|DATE|VARCHAR");

    private Worker() {}

    /** A job's fresh database, opened, configured and warmed before the job arrived (warm workers, ADR 0017). */
    record Prepared(Connection connection, int memoryMb, int threads) {}

    /** Opens the job's empty database with these limits; null if that fails (the job then opens its own). */
    static Prepared prepare(int memoryMb, int threads, Path scratch) {
        try {
            Connection c = open(memoryMb, threads, scratch);
            // One synthetic grouped query over each job copy format in this very instance: its threads,
            // allocator and readers are then warm for the job (a first query in a fresh instance and process
            // pays for all of them). The synthetic files are deleted; the database holds nothing.
            Path synthetic = scratch.resolve("warm.parquet");
            Path syntheticCopy = scratch.resolve("warm.duckdb");
            try (Statement s = c.createStatement()) {
                s.execute("COPY (SELECT 'e' || i AS e, 'g' || (i % 16) AS g, 'h' || (i % 4) AS h, (i % 50000)::BIGINT AS m "
                        + "FROM range(2000000) t(i)) TO '" + sqlPath(synthetic) + "' (FORMAT parquet)");
                String grouped = "SELECT g, h, COUNT(*), SUM(m), AVG(m) FROM %s GROUP BY ALL";
                drain(s, grouped.formatted("read_parquet('" + sqlPath(synthetic) + "')"));
                // A smaller copy suffices to load the attach and ENUM grouping code; writing one costs more than reading it.
                DuckDbCopy.write(c, "(SELECT * FROM read_parquet('" + sqlPath(synthetic) + "') LIMIT 500000)",
                        List.of(new WorkerRequest.Column("e", "VARCHAR"), new WorkerRequest.Column("g", "VARCHAR"),
                                new WorkerRequest.Column("h", "VARCHAR"), new WorkerRequest.Column("m", "BIGINT")), syntheticCopy);
                DuckDbCopy.stripTrailer(syntheticCopy); // as a job sees it: DuckDB's own file
                s.execute("ATTACH '" + sqlPath(syntheticCopy) + "' AS warm (READ_ONLY)");
                drain(s, grouped.formatted("warm." + DuckDbCopy.TABLE));
                s.execute("DETACH warm");
            } finally {
                Files.deleteIfExists(synthetic);
                Files.deleteIfExists(syntheticCopy);
            }
            return new Prepared(c, memoryMb, threads);
        } catch (SQLException | IOException | RuntimeException e) {
            return null;
        }
    }

    private static void drain(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) { /* drain */ }
        }
    }

    private static Connection open(int memoryMb, int threads, Path scratch) throws SQLException, IOException {
        Files.createDirectories(scratch);
        Connection c = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = c.createStatement()) {
            s.execute("SET memory_limit='" + memoryMb + "MB'");
            s.execute("SET threads=" + Math.max(1, threads));
            s.execute("SET temp_directory='" + scratch.resolve("spill").toString().replace("'", "") + "'");
            s.execute("SET autoinstall_known_extensions=false");
            s.execute("SET autoload_known_extensions=false");
            s.execute("SET allow_community_extensions=false");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    static WorkerResponse execute(WorkerRequest req, Path scratch) {
        return execute(req, scratch, null);
    }

    /**
     * Runs one job, in {@code prepared}'s database when it was opened with the job's limits, else in a new
     * one. A prepared database is left open: the worker answers first and exits, which ends it anyway.
     */
    static WorkerResponse execute(WorkerRequest req, Path scratch, Prepared prepared) {
        long cpu0 = cpuNanos();
        boolean fits = prepared != null && prepared.memoryMb() == req.limits().memoryMb() && prepared.threads() == req.limits().threads();
        if (prepared != null && !fits) closeQuietly(prepared.connection());
        Connection own = null;
        try {
            Connection c = fits ? prepared.connection() : (own = open(req.limits().memoryMb(), req.limits().threads(), scratch));
            long t0 = System.nanoTime();
            long rows = 0;
            Path inputs = scratch.resolve("in");
            Files.createDirectories(inputs);
            for (WorkerRequest.Table t : req.tables()) rows += load(c, t, scratch, inputs, req.sql());
            long loaded = System.nanoTime();
            try (Statement s = c.createStatement()) {
                // Parquet inputs stay files that the tN views read at query time; DuckDB may then touch
                // only the directory holding this job's own decrypted inputs (nothing else is in it).
                if (req.tables().stream().anyMatch(WorkerRequest.Table::parquet)) {
                    s.execute("SET allowed_directories=['" + sqlPath(inputs) + "/']");
                }
                // After this nothing can read or write outside the database (or that directory), nor change settings back.
                s.execute("SET enable_external_access=false");
                s.execute("SET lock_configuration=true");
            }
            ResultTable raw = query(c, req.sql(), req.limits());
            long queried = System.nanoTime();
            OutputEnforcer.EnforcedResult out = OutputEnforcer.enforce(raw, req.enforcement());
            long enforced = System.nanoTime();
            return new WorkerResponse(true, null, null, out.table(), out.rowsSuppressed(), out.truncated(),
                    out.microEpsilonSpent(), new WorkerResponse.Stats(rows, (cpuNanos() - cpu0) / 1_000_000,
                    ms(loaded - t0), ms(queried - loaded), ms(enforced - queried), 0));
        } catch (Tampered e) {
            return WorkerResponse.error(WorkerResponse.INPUT_TAMPERED, "an input failed authentication");
        } catch (TimedOut e) {
            return WorkerResponse.error(WorkerResponse.TIMEOUT, "the job exceeded its time limit");
        } catch (SQLException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("Out of Memory") || m.contains("memory limit")) {
                return WorkerResponse.error(WorkerResponse.MEMORY, "the job exceeded its memory limit");
            }
            if (m.contains("INTERRUPT") || m.contains("nterrupted")) {
                return WorkerResponse.error(WorkerResponse.TIMEOUT, "the job exceeded its time limit");
            }
            // Engine messages can quote values (e.g. conversion errors); never pass them on.
            return WorkerResponse.error(WorkerResponse.QUERY_FAILED, "query failed during execution");
        } catch (IOException | RuntimeException e) {
            return WorkerResponse.error(WorkerResponse.CRASHED, "the worker failed");
        } finally {
            if (own != null) closeQuietly(own);
        }
    }

    private static long load(Connection c, WorkerRequest.Table t, Path scratch, Path inputs, String sql) throws IOException, SQLException {
        if (!NAME.matcher(t.internalName()).matches()) throw new IllegalArgumentException("bad table name");
        StringBuilder cols = new StringBuilder("{");
        for (WorkerRequest.Column col : t.columns()) {
            if (!COLUMN.matcher(col.name()).matches() || !TYPE.matcher(col.type()).matches()) throw new IllegalArgumentException("bad column");
            if (cols.length() > 1) cols.append(',');
            cols.append('\'').append(col.name()).append("':'").append(col.type()).append('\'');
        }
        cols.append('}');
        DataKey key = DataKey.importFromGateway(Suite.valueOf(t.suite()), Base64.getDecoder().decode(t.dataKeyBase64()));
        if (!t.format().equals(WorkerRequest.Table.CSV)) return loadCopy(c, t, key, inputs, sql);
        Path plain = scratch.resolve(t.internalName() + ".csv");
        try {
            try {
                // Segments are authenticated independently, on every core; nothing is loaded unless all verify.
                key.decryptFile(Path.of(t.blobPath()), plain, t.associatedData().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new Tampered();
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + t.internalName() + " AS SELECT * FROM read_csv('" + plain + "', header=true, "
                        + "auto_detect=false, delim=',', quote='\"', escape='\"', nullstr='', columns=" + cols + ")");
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + t.internalName())) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        } finally {
            Files.deleteIfExists(plain);
        }
    }

    /**
     * A job copy: only what the SQL can read is decrypted, into the RAM scratch — Parquet (ParquetInput,
     * ADR 0017) or DuckDB (DuckDbInput, ADR 0019).
     */
    private static long loadCopy(Connection c, WorkerRequest.Table t, DataKey key, Path inputs, String sql) throws SQLException {
        try {
            Path plain = inputs.resolve(t.internalName() + "." + t.format());
            return t.parquet() ? ParquetInput.load(c, t, key, Path.of(t.blobPath()), plain, sql)
                    : DuckDbInput.load(c, t, key, Path.of(t.blobPath()), plain, sql);
        } catch (Unauthentic e) {
            throw new Tampered();
        }
    }

    /** Scratch paths are built by the worker from fixed parts; refuse anything that could break out of a literal. */
    static String sqlPath(Path p) {
        String s = p.toString();
        if (s.contains("'") || s.contains("\\")) throw new IllegalArgumentException("bad scratch path");
        return s;
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // unused and empty
        }
    }

    private static ResultTable query(Connection c, String sql, WorkerRequest.Limits limits) throws SQLException {
        try (Statement s = c.createStatement()) {
            Timer watchdog = new Timer(true);
            boolean[] fired = {false};
            watchdog.schedule(new TimerTask() {
                @Override
                public void run() {
                    fired[0] = true;
                    try {
                        s.cancel();
                    } catch (SQLException ignored) {
                        // the process-level deadline still applies
                    }
                }
            }, limits.timeoutMs());
            try (ResultSet rs = s.executeQuery(sql)) {
                ResultSetMetaData md = rs.getMetaData();
                List<String> names = new ArrayList<>();
                List<String> types = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    names.add(md.getColumnLabel(i));
                    // An ENUM is a VARCHAR stored as codes (the DuckDB job copy); its type name would list every value.
                    String type = md.getColumnTypeName(i);
                    types.add(type.startsWith("ENUM") ? "VARCHAR" : type);
                }
                List<List<Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    if (rows.size() > limits.maxResultRows()) break;
                    List<Object> row = new ArrayList<>(names.size());
                    for (int i = 1; i <= names.size(); i++) row.add(value(rs.getObject(i)));
                    rows.add(row);
                }
                return new ResultTable(names, types, rows);
            } catch (SQLException e) {
                if (fired[0]) throw new TimedOut();
                throw e;
            } finally {
                watchdog.cancel();
            }
        }
    }

    static Object value(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Double) return v;
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        if (v instanceof Float f) return f.doubleValue();
        if (v instanceof BigInteger b) return b.bitLength() < 64 ? (Object) b.longValue() : (Object) b.doubleValue();
        if (v instanceof BigDecimal d) return d.doubleValue();
        if (v instanceof java.time.LocalDate || v instanceof java.sql.Date) return v.toString();
        return v.toString();
    }

    private static long cpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime();
        return 0;
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private static final class Tampered extends RuntimeException {
        Tampered() {
            super(null, null, false, false);
        }
    }

    private static final class TimedOut extends RuntimeException {
        TimedOut() {
            super(null, null, false, false);
        }
    }
}
