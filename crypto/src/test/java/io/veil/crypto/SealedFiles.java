package io.veil.crypto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/** Test fixtures for encrypted streams: random plaintext, sealed v2 or v1 bytes, files holding them, and tampering. */
final class SealedFiles {
    private SealedFiles() {}

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A v2 stream of {@code plain} with {@code segmentSize}-byte segments. */
    static byte[] seal(AeadDataKey key, byte[] plain, byte[] aad, int segmentSize) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = key.encryptingStream(sink, aad, segmentSize)) {
            out.write(plain);
        }
        return sink.toByteArray();
    }

    /** A stream in the old v1 format (1 MiB segments, no segment size in the header). */
    static byte[] sealV1(AeadDataKey key, byte[] plain, byte[] aad) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = key.encryptingStreamV1(sink, aad)) {
            out.write(plain);
        }
        return sink.toByteArray();
    }

    static Path write(Path dir, byte[] content) throws IOException {
        return Files.write(Files.createTempFile(dir, "enc", ".bin"), content);
    }

    /** A path in {@code dir} that does not exist yet. */
    static Path fresh(Path dir) {
        return dir.resolve("plain-" + System.nanoTime());
    }

    /** A copy of {@code a} with the lowest bit of byte {@code at} flipped. */
    static byte[] flip(byte[] a, int at) {
        return flip(a, at, 0x01);
    }

    /** A copy of {@code a} with the bits of {@code mask} flipped in byte {@code at}. */
    static byte[] flip(byte[] a, int at, int mask) {
        byte[] b = a.clone();
        b[at] ^= (byte) mask;
        return b;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
