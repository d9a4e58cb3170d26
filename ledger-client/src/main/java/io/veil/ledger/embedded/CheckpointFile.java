package io.veil.ledger.embedded;

import io.veil.ledger.SignedCheckpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * {@code checkpoint.note}: the latest signed checkpoint, replaced atomically (temp file, fsync,
 * atomic rename) so a crash leaves either the old or the new note. The directory is not fsynced
 * after the rename: if a power cut undoes the rename, the older note is still a valid checkpoint
 * of a prefix of the log, and open re-signs the committed state — one fsync less per group.
 */
final class CheckpointFile {
    static final String NAME = "checkpoint.note";
    private static final String TEMP = "checkpoint.note.tmp";

    private CheckpointFile() {}

    static void write(Path dir, SignedCheckpoint cp) throws IOException {
        Path tmp = dir.resolve(TEMP);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(cp.note().getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The note text, or null if there is none. */
    static String read(Path dir) throws IOException {
        Path file = dir.resolve(NAME);
        if (!Files.exists(file)) {
            return null;
        }
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    /** Makes a rename or a new file durable; platforms that cannot open a directory skip it. */
    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // durability of the directory entry is then up to the file system
        }
    }
}
