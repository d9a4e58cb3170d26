package io.veil.sandbox.worker;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
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
            Files.createLink(inbox.resolve(name), blob);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false; // never reuse an entry this job did not make
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** Unlinks everything in the inbox (the blobs themselves are untouched). */
    static void empty(Path inbox) {
        if (inbox == null) return;
        try (Stream<Path> files = Files.list(inbox)) {
            for (Path f : (Iterable<Path>) files::iterator) Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // removed with the inbox when the worker exits, or by the owner at its next start
        }
    }

    /** Removes the inbox (after its worker exited). */
    static void delete(Path inbox) {
        if (inbox == null) return;
        empty(inbox);
        try {
            Files.deleteIfExists(inbox);
        } catch (IOException ignored) {
            // left for the owner's next start
        }
    }

    /** Removes every inbox under {@code root}: at startup, left behind by a process that died. */
    static void clear(Path root) {
        if (root == null || !Files.isDirectory(root)) return;
        try (Stream<Path> all = Files.walk(root)) {
            for (Path f : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                if (!f.equals(root)) Files.deleteIfExists(f);
            }
        } catch (IOException ignored) {
            // best effort; entries are links to ciphertext only
        }
    }
}
