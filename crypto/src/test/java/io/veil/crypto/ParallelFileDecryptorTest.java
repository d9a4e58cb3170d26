package io.veil.crypto;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static io.veil.crypto.SealedFiles.concat;
import static io.veil.crypto.SealedFiles.flip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The multi-threaded whole-file decryption gives exactly the stream decryptor's verdict and plaintext. */
class ParallelFileDecryptorTest {
    static final int SEG = 4096;
    static final byte[] AAD = "dataset:1".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    static Stream<Arguments> suitesAndSizes() {
        int[] sizes = {0, 1, SEG - 1, SEG, SEG + 1, 3 * SEG + SEG / 2, 4 * SEG, 9 * SEG + 3};
        return Stream.of(Suite.values()).flatMap(s -> Arrays.stream(sizes).mapToObj(n -> Arguments.of(s, n)));
    }

    static byte[] sealed(AeadDataKey key, byte[] plain) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = key.encryptingStream(sink, AAD, SEG)) {
            out.write(plain);
        }
        return sink.toByteArray();
    }

    /** The stream decryptor's answer: plaintext, or null if it refuses. */
    static byte[] viaStream(AeadDataKey key, byte[] sealed, byte[] aad) {
        try (InputStream in = key.decryptingStream(new java.io.ByteArrayInputStream(sealed), aad)) {
            return in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    byte[] viaFile(AeadDataKey key, byte[] sealed, byte[] aad, int threads) throws IOException {
        Path src = Files.createTempFile(dir, "enc", ".bin");
        Files.write(src, sealed);
        Path dst = dir.resolve("plain-" + System.nanoTime());
        try {
            key.decryptFile(src, dst, aad, threads);
        } catch (IOException e) {
            assertThat(dst).as("no plaintext left behind after a refusal").doesNotExist();
            return null;
        }
        return Files.readAllBytes(dst);
    }

    @ParameterizedTest(name = "{0} {1} bytes")
    @MethodSource("suitesAndSizes")
    void roundTripsEverySizeAroundSegmentBoundariesOnOneAndManyThreads(Suite suite, int size) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] plain = new byte[size];
        new Random(size).nextBytes(plain);
        byte[] sealed = sealed(key, plain);
        assertThat(viaFile(key, sealed, AAD, 1)).isEqualTo(plain);
        assertThat(viaFile(key, sealed, AAD, 3)).isEqualTo(plain);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void refusesExactlyWhatTheStreamRefuses(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] plain = new byte[5 * SEG + 100];
        new Random(1).nextBytes(plain);
        byte[] sealed = sealed(key, plain);
        int body = StreamFormat.HEADER_LENGTH;
        int seg = SEG + SegmentCipher.TAG_LENGTH;
        byte[][] attacks = {
                flip(sealed, 1),                                   // header suite byte
                flip(sealed, 5),                                   // header salt
                flip(sealed, body + 2 * seg + 17),                 // inside a middle segment
                flip(sealed, sealed.length - 1),                   // last tag
                Arrays.copyOf(sealed, sealed.length - 1),          // truncated by one byte
                Arrays.copyOf(sealed, body + 3 * seg),             // whole trailing segments dropped
                concat(sealed, Arrays.copyOfRange(sealed, body, body + seg)), // a segment appended
                swap(sealed, body, seg, 1, 3),                     // two segments swapped
                Arrays.copyOf(sealed, 10),                         // header cut short
        };
        for (int i = 0; i < attacks.length; i++) {
            assertThat(viaStream(key, attacks[i], AAD)).as("stream, attack " + i).isNull();
            assertThat(viaFile(key, attacks[i], AAD, 3)).as("file, attack " + i).isNull();
        }
        assertThat(viaFile(key, sealed, "dataset:2".getBytes(StandardCharsets.UTF_8), 2)).isNull();
        assertThat(viaFile(AeadDataKey.generate(suite), sealed, AAD, 2)).isNull();
        assertThatThrownBy(() -> {
            Path src = Files.createTempFile(dir, "enc", ".bin");
            Files.write(src, sealed);
            Path existing = Files.createTempFile(dir, "exists", ".bin");
            key.decryptFile(src, existing, AAD);
        }).isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void randomSingleByteEditsGetTheSameVerdictAsTheStream(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] plain = new byte[3 * SEG + 11];
        new Random(2).nextBytes(plain);
        byte[] sealed = sealed(key, plain);
        Random r = new Random(3);
        for (int i = 0; i < 40; i++) {
            byte[] edited = flip(sealed, r.nextInt(sealed.length));
            assertThat(viaFile(key, edited, AAD, 2)).isEqualTo(viaStream(key, edited, AAD)).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void existingTargetIsRefusedAndNeitherOverwrittenNorDeleted(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        Path src = Files.createTempFile(dir, "enc", ".bin");
        Files.write(src, sealed(key, new byte[SEG + 1]));
        Path existing = Files.createTempFile(dir, "exists", ".bin");
        Files.writeString(existing, "keep me");
        assertThatThrownBy(() -> key.decryptFile(src, existing, AAD)).isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        assertThat(existing).hasContent("keep me");
    }



    static byte[] swap(byte[] a, int start, int seg, int i, int j) {
        byte[] b = a.clone();
        System.arraycopy(a, start + i * seg, b, start + j * seg, seg);
        System.arraycopy(a, start + j * seg, b, start + i * seg, seg);
        return b;
    }
}
