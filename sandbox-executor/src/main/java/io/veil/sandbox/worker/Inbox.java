package io.veil.sandbox.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A warm worker's inbox (ADR 0017): an owner-only host directory, mounted read-only at {@link #MOUNT}
 * in that worker alone, into which a job's ciphertexts are hard-linked for the job's duration. A hard
 * link shares the blob's inode, so the hand-over copies nothing and the worker reads the ciphertext at
 * page-cache speed, at whatever offsets it needs. Only ciphertext ever appears here.
 */
final class Inbox {
    static final String MOUNT = "/in";

    private Inbox() {}

    /** A new empty inbox under {@code root}, or null (no root, or it cannot be created: inputs then go over stdin). */
    static Path create(Path root) {
        if (root == null) return null;
        try {
            Files.createDirectories(root);
            return Files.createDirectory(root.resolve(UUID.randomUUID().toString()),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** Hard-links {@code blob} into the inbox as {@code name}; false if that is not possible (e.g. another file system). */
    static boolean link(Path inbox, String name, Path blob) {
        if (inbox == null || name.contains("/") || name.startsWith(".")) return false;
        try {
            Files.createLink(inbox.resolve(name), blob); // fails if the name exists: never reuse an entry this job did not make
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** Unlinks everything in the inbox (the blobs themselves are untouched). */
    static void empty(Path inbox) {
        deleteTree(inbox, false);
    }

    /** Removes the inbox (after its worker exited). */
    static void delete(Path inbox) {
        deleteTree(inbox, true);
    }

    /** Removes every inbox under {@code root}: at startup, left behind by a process that died. */
    static void clear(Path root) {
        deleteTree(root, false);
    }

    /** Best effort: entries are links to ciphertext only; whatever stays is removed at the owner's next start. */
    private static void deleteTree(Path dir, boolean withDir) {
        if (dir == null || !Files.isDirectory(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                if (withDir || !f.equals(dir)) Files.deleteIfExists(f);
            }
        } catch (IOException ignored) {
            // see above
        }
    }
}
