package io.veil.gateway.ingest;

import io.veil.crypto.DataKey;
import io.veil.policy.ColumnRole;
import io.veil.sandbox.worker.DuckDbCopy;
import io.veil.sandbox.worker.WorkerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The copy of a dataset version that jobs read: a DuckDB database with sorted ENUMs for low-cardinality
 * text ({@link DuckDbCopy}, ADR 0019; the default) or Parquet (ADR 0015). While the normalised CSV
 * streams into its encrypted blob, a tee also writes it to an owner-only directory in this node's
 * {@link RamSpool} on /dev/shm (RAM, never persistent disk, invariant 5); afterwards an in-memory DuckDB converts it to Parquet — with the
 * worker's own CSV reader options, so every copy holds the same values — computes exactly whether the
 * entity column is non-null and unique per row, and, for the DuckDB format, writes the database from
 * that Parquet file. The copy is then encrypted with the version's data key. Everything on /dev/shm is
 * deleted in {@link #close()}, on success and on every abort; what a killed node leaves is swept when it
 * restarts ({@link RamSpool#open}).
 *
 * <p>The copy is an optimisation, never a requirement: without /dev/shm, past the spool limit, or
 * on any conversion error the version is stored as CSV only and jobs read that (the fallback every
 * version stored before ADR 0015 takes); uniqueness is then unknown, so the planner counts entities
 * with COUNT(DISTINCT), fail-closed.
 */
public final class JobCopy implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(JobCopy.class);

    /** What the conversion established. {@code uniqueEntityColumn} is null unless proven non-null and unique per row. */
    public record Converted(String uniqueEntityColumn) {}

    /** The job copy's file format; its name is the worker's input format and the blob name's suffix. */
    public enum Format {
        DUCKDB, PARQUET;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Exact id ({@code duckdb}, {@code parquet}); anything else is an IllegalArgumentException. */
        public static Format of(String id) {
            for (Format f : values()) if (f.id().equals(id)) return f;
            throw new IllegalArgumentException("job copy format must be duckdb or parquet");
        }
    }

    private final Path dir;
    private final long maxSpoolBytes;
    private final Format format;
    private OutputStream spool;
    private long spooled;
    private boolean abandoned;

    private JobCopy(Path dir, long maxSpoolBytes, Format format) {
        this.dir = dir;
        this.maxSpoolBytes = maxSpoolBytes;
        this.format = format;
        this.abandoned = dir == null;
    }

    /** A copy spooling to this node's RAM spool, or a disabled one (CSV only) when there is none. */
    public static JobCopy start(RamSpool spool, long maxSpoolBytes, Format format) {
        return spool.dir().map(d -> start(d, maxSpoolBytes, format)).orElseGet(() -> new JobCopy(null, 0, format));
    }

    static JobCopy start(Path ramDir, long maxSpoolBytes, Format format) {
        if (maxSpoolBytes <= 0 || !Files.isDirectory(ramDir) || !Files.isWritable(ramDir)) return new JobCopy(null, 0, format);
        Path dir = null;
        try {
            dir = Files.createTempDirectory(ramDir, "veil-copy-", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            JobCopy c = new JobCopy(dir, maxSpoolBytes, format);
            c.spool = new BufferedOutputStream(Files.newOutputStream(dir.resolve("normalised.csv")), 1 << 16);
            return c;
        } catch (IOException e) {
            log.warn("no job copy for this upload: cannot spool to RAM");
            if (dir != null) new JobCopy(dir, 0, format).close(); // nothing may stay behind, also when only the file failed
            return new JobCopy(null, 0, format);
        }
    }

    /** The sink the ingest writes its normalised CSV to: {@code csvSink}, and the RAM spool while it lasts. */
    public OutputStream tee(OutputStream csvSink) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                csvSink.write(b, off, len);
                copy(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                csvSink.flush();
            }

            @Override
            public void close() throws IOException {
                csvSink.close();
            }
        };
    }

    private void copy(byte[] b, int off, int len) {
        if (abandoned) return;
        spooled += len;
        if (spooled > maxSpoolBytes) {
            abandon("the normalised data exceeds the RAM spool limit");
            return;
        }
        try {
            spool.write(b, off, len);
        } catch (IOException e) {
            abandon("the RAM spool is full");
        }
    }

    private void abandon(String why) {
        abandoned = true;
        log.warn("no job copy for this upload: {}", why); // never values: only why
        closeSpool();
    }

    public Format format() {
        return format;
    }

    /**
     * Converts the spooled CSV to the copy and writes it, encrypted under {@code aad}, to {@code blobOut}
     * (which this closes). Empty when there is no copy; the caller then discards {@code blobOut}'s file.
     */
    public Optional<Converted> convert(List<ColumnInfo> schema, DataKey key, byte[] aad, OutputStream blobOut) {
        try (blobOut) {
            if (abandoned) return Optional.empty();
            spool.close();
            Path csv = dir.resolve("normalised.csv");
            Path parquet = dir.resolve("copy.parquet");
            String entity = schema.stream().filter(c -> c.role() == ColumnRole.ENTITY_ID).map(ColumnInfo::name).findFirst().orElse(null);
            String unique;
            Path copy = parquet;
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
                s.execute("SET autoinstall_known_extensions=false");
                s.execute("SET autoload_known_extensions=false");
                s.execute("SET threads=2");
                s.execute("SET memory_limit='1GB'");
                s.execute("SET preserve_insertion_order=false"); // ~20 % faster COPY; row order means nothing to a job
                s.execute("SET temp_directory='" + dir.resolve("spill") + "'"); // spill stays in RAM too
                s.execute("COPY (SELECT * FROM read_csv('" + csv + "', " + readerOptions(schema) + ")) TO '" + parquet
                        + "' (FORMAT parquet)");
                Files.delete(csv);
                unique = entity != null && uniquePerRow(s, parquet, entity) ? entity : null;
                if (format == Format.DUCKDB) {
                    copy = dir.resolve("copy.duckdb");
                    DuckDbCopy.write(c, "read_parquet('" + parquet + "')", schema.stream()
                            .map(col -> new WorkerRequest.Column(col.name(), col.type())).toList(), copy);
                    Files.delete(parquet);
                }
            }
            try (OutputStream out = key.encryptingStream(blobOut, aad)) {
                Files.copy(copy, out);
            }
            return Optional.of(new Converted(unique));
        } catch (SQLException | IOException | RuntimeException e) {
            log.warn("no job copy for this upload: conversion failed ({})", e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    /** Exactly, not estimated: every row has an entity id and no id repeats (COUNT(DISTINCT) skips NULLs). */
    private static boolean uniquePerRow(Statement s, Path parquet, String entity) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) = COUNT(DISTINCT \"" + entity + "\") FROM read_parquet('" + parquet + "')")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** The same read_csv options the sandbox worker uses for the CSV blob, so both copies decode identically. */
    static String readerOptions(List<ColumnInfo> schema) {
        StringBuilder cols = new StringBuilder("{");
        for (ColumnInfo col : schema) {
            if (!Header.NAME.matcher(col.name()).matches() || !col.type().matches("BIGINT|DOUBLE|BOOLEAN|DATE|VARCHAR")) {
                throw new IllegalArgumentException("unexpected column");
            }
            if (cols.length() > 1) cols.append(',');
            cols.append('\'').append(col.name()).append("':'").append(col.type()).append('\'');
        }
        return "header=true, auto_detect=false, delim=',', quote='\"', escape='\"', nullstr='', columns=" + cols + "}";
    }

    private void closeSpool() {
        if (spool == null) return;
        try {
            spool.close();
        } catch (IOException ignored) {
            // deleted below
        }
    }

    /** Deletes everything this copy put on /dev/shm, in all cases. */
    @Override
    public void close() {
        closeSpool();
        if (dir == null) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(f);
        } catch (IOException e) {
            log.warn("could not remove a RAM spool directory; it is gone at reboot at the latest");
        }
    }
}
