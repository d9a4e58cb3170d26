package io.veil.gateway.datasets;

import io.veil.gateway.config.VeilProperties;
import io.veil.gateway.ingest.JobCopy;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Encrypted dataset blobs on local disk. Only ciphertext is ever written here. A blob is written
 * to a temp file, fsynced and atomically renamed, so a crash leaves either nothing or a complete
 * blob; blobs no metadata row refers to are swept at startup.
 */
@Component
public class BlobStore {
    private static final Pattern NAME = Pattern.compile("[a-f0-9-]{36}\\.v[0-9]{1,6}(\\.parquet|\\.duckdb)?\\.enc");
    private final Path dir;

    public BlobStore(VeilProperties props) {
        this.dir = props.dataDir().resolve("blobs");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The directory under which warm sandbox workers get their inboxes (ADR 0017): beside the blobs, so a
     * blob can be hard-linked into one. Owned by the job runner; emptied when it starts.
     */
    public Path workerInboxes() {
        return dir.resolveSibling("sandbox-inboxes");
    }

    public static String blobName(String datasetId, int version) {
        return datasetId + ".v" + version + ".enc";
    }

    /** The version's encrypted job copy (ADR 0015, 0019), beside its CSV blob and under the same data key. */
    public static String copyBlobName(String datasetId, int version, JobCopy.Format format) {
        return datasetId + ".v" + version + "." + format.id() + ".enc";
    }

    /** The format of a job copy blob, from its name. */
    public static JobCopy.Format copyFormat(String copyBlobName) {
        return copyBlobName.endsWith(".duckdb.enc") ? JobCopy.Format.DUCKDB : JobCopy.Format.PARQUET;
    }

    /** A new temp blob; write ciphertext to {@link Pending#out()}, then {@link #commit} or {@link Pending#discard()}. */
    public Pending create() throws IOException {
        Path tmp = dir.resolve("upload-" + UUID.randomUUID() + ".tmp");
        return new Pending(tmp, Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    }

    public void commit(Pending p, String name) throws IOException {
        if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("bad blob name");
        p.out().close();
        try (FileChannel ch = FileChannel.open(p.path(), StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(p.path(), dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // directory fsync is not supported everywhere; the rename is still atomic
        }
    }

    public InputStream open(String name) throws IOException {
        if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("bad blob name");
        return Files.newInputStream(dir.resolve(name));
    }

    public Path path(String name) {
        if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("bad blob name");
        return dir.resolve(name);
    }

    public long size(String name) throws IOException {
        return Files.size(path(name));
    }

    public void delete(String name) {
        try {
            Files.deleteIfExists(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes temp files and blobs that no committed metadata references. */
    public int sweep(Set<String> referenced) throws IOException {
        int removed = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String n = f.getFileName().toString();
                if (n.endsWith(".tmp") || !referenced.contains(n)) {
                    Files.deleteIfExists(f);
                    removed++;
                }
            }
        }
        return removed;
    }

    public record Pending(Path path, OutputStream out) {
        public void discard() {
            try {
                out.close();
            } catch (IOException ignored) {
                // already failing; the file is removed below
            }
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
