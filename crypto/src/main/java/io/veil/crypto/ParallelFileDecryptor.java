package io.veil.crypto;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Decrypts a whole {@link StreamFormat} file (v1 or v2) into another file on several threads, each
 * authenticating its own segments ({@link EncryptedFile}); the verdict is the same as
 * {@link SegmentedDecryptingStream}'s. On any failure the target is deleted before the exception is
 * thrown — no unauthenticated plaintext remains. A target that already existed is left alone.
 */
final class ParallelFileDecryptor {
    static final String FAILED = EncryptedFile.FAILED;

    private ParallelFileDecryptor() {}

    static void decrypt(Suite suite, byte[] dataKey, byte[] aad, Path source, Path target, int threads) throws IOException {
        try (EncryptedFile file = EncryptedFile.open(suite, dataKey, aad, source)) {
            boolean ok = false;
            try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                try {
                    file.decrypt(file.segments(), i -> i, out, threads);
                    ok = true;
                } finally {
                    if (!ok) {
                        out.close();
                        Files.deleteIfExists(target);
                    }
                }
            }
        }
    }
}
