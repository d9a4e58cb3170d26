package io.veil.gateway.ingest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * This node's private directory on the RAM file system, where uploads spool plaintext while they are
 * converted (the job copy's normalised CSV, a Parquet upload). Plaintext must never stay (invariant 5),
 * but a node killed mid-upload cannot delete its spool, so the directory is swept when the node opens it
 * at start-up, before it serves a request.
 *
 * <p>Several nodes can share one machine and one /dev/shm (the local two-zone setup), so each node sweeps
 * only its own namespace: {@code veil-node-<id>}, where the id is 128 random bits kept in the node's data
 * directory ({@code ram-spool.id}). The name is stable across restarts of the node, unguessable to other
 * local users (they cannot squat it), and the directory is owner-only; one that is not a plain directory
 * owned by this user with mode 700 is refused, and the node then spools nothing (uploads still work as CSV,
 * without a job copy; Parquet uploads are refused).
 */
public final class RamSpool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RamSpool.class);
    public static final Path SHM = Path.of("/dev/shm");
    static final String PREFIX = "veil-node-";
    static final String ID_FILE = "ram-spool.id";
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private final Path dir;
    private final int swept;

    private RamSpool(Path dir, int swept) {
        this.dir = dir;
        this.swept = swept;
    }

    /** No RAM spool: job copies are off and Parquet uploads are refused. */
    public static RamSpool none() {
        return new RamSpool(null, 0);
    }

    /**
     * Opens this node's namespace under {@code ramRoot} (normally {@link #SHM}), creating it if needed, and
     * deletes everything in it: at start-up, anything there is a spool of an upload this node did not finish.
     */
    public static RamSpool open(Path ramRoot, Path dataDir) {
        if (!Files.isDirectory(ramRoot) || !Files.isWritable(ramRoot)) return none();
        Path dir;
        try {
            dir = ramRoot.resolve(PREFIX + nodeId(dataDir));
        } catch (IOException e) {
            log.warn("no RAM spool: cannot read or create {} in the data directory", ID_FILE);
            return none();
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException exists) {
            // ours from an earlier run, checked below
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("no RAM spool: cannot create this node's directory on the RAM file system");
            return none();
        }
        try {
            if (!ownedPrivateDirectory(dir, dataDir.resolve(ID_FILE))) {
                log.warn("no RAM spool: {} is not a private directory of this user; leaving it alone", dir);
                return none();
            }
            return new RamSpool(dir, sweep(dir));
        } catch (IOException e) {
            log.warn("no RAM spool: cannot sweep this node's directory on the RAM file system");
            return none();
        }
    }

    /** The node's namespace; empty when there is no usable RAM spool. */
    public Optional<Path> dir() {
        return Optional.ofNullable(dir);
    }

    /** How many leftover entries the start-up sweep removed. */
    public int swept() {
        return swept;
    }

    /**
     * Removes the namespace at shutdown. By then no upload runs any more (the web server stops first), so
     * whatever is still there belongs to an upload that did not finish.
     */
    @Override
    public void close() {
        if (dir == null) return;
        try {
            delete(dir);
        } catch (IOException e) {
            log.warn("could not remove this node's RAM spool directory; it is swept at the next start");
        }
    }

    /** The node id in {@code dataDir}, created (owner-only) on first use. */
    static String nodeId(Path dataDir) throws IOException {
        Path file = dataDir.resolve(ID_FILE);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            String id = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (!ID.matcher(id).matches()) throw new IOException("malformed node id");
            return id;
        }
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String id = HexFormat.of().formatHex(random);
        Files.createDirectories(dataDir);
        Path tmp = Files.createTempFile(dataDir, ID_FILE, ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, id, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return id;
    }

    /** A real directory (not a link), mode 700, owned by whoever owns this node's id file (this user). */
    private static boolean ownedPrivateDirectory(Path dir, Path idFile) throws IOException {
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return a.isDirectory() && !a.isSymbolicLink() && a.permissions().equals(OWNER_ONLY)
                && a.owner().equals(Files.getOwner(idFile, LinkOption.NOFOLLOW_LINKS));
    }

    /** Deletes everything under {@code dir} (not following links), keeping {@code dir}; returns the top-level entries removed. */
    private static int sweep(Path dir) throws IOException {
        int removed = 0;
        try (Stream<Path> top = Files.list(dir)) {
            for (Path p : (Iterable<Path>) top::iterator) {
                delete(p);
                removed++;
            }
        }
        if (removed > 0) log.info("removed {} plaintext spool(s) left in RAM by an interrupted upload", removed);
        return removed;
    }

    /** Deletes a file or directory tree without following symbolic links. */
    static void delete(Path p) throws IOException {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> all = Files.walk(p)) {
                for (Path f : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(f);
            }
        } else {
            Files.deleteIfExists(p);
        }
    }
}
