package io.veil.crypto;

import static io.veil.crypto.SealedFiles.flip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** v2 headers record the segment size (authenticated); v1 streams written before that still decrypt everywhere. */
class StreamFormatVersionTest {
    static final byte[] AAD = "dataset:9".getBytes(StandardCharsets.UTF_8);
    static final int V1_SEG = StreamFormat.V1_SEGMENT_SIZE;

    @TempDir
    Path dir;

    static Stream<Arguments> suitesAndV1Sizes() {
        int[] sizes = {0, 1, V1_SEG - 1, V1_SEG, V1_SEG + 1, 2 * V1_SEG + V1_SEG / 2 + 3};
        return Stream.of(Suite.values()).flatMap(s -> Arrays.stream(sizes).mapToObj(n -> Arguments.of(s, n)));
    }

    static byte[] random(int size) {
        return SealedFiles.random(size, size);
    }

    static byte[] sealedV1(AeadDataKey key, byte[] plain) throws IOException {
        return SealedFiles.sealV1(key, plain, AAD);
    }

    static byte[] sealed(AeadDataKey key, byte[] plain, int segmentSize) throws IOException {
        return SealedFiles.seal(key, plain, AAD, segmentSize);
    }

    Path file(byte[] content) throws IOException {
        return SealedFiles.write(dir, content);
    }

    Path fresh() {
        return SealedFiles.fresh(dir);
    }

    @ParameterizedTest(name = "{0} {1} bytes")
    @MethodSource("suitesAndV1Sizes")
    void v1StreamsWrittenBeforeSegmentSizesWereRecordedDecryptWithEveryReader(Suite suite, int size) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] plain = random(size);
        byte[] sealed = sealedV1(key, plain);
        int segments = Math.max(1, (size + V1_SEG - 1) / V1_SEG);
        assertThat(sealed[0]).isEqualTo(StreamFormat.VERSION_1);
        assertThat(sealed).hasSize(StreamFormat.V1_HEADER_LENGTH + size + segments * SegmentCipher.TAG_LENGTH);

        try (InputStream in = key.decryptingStream(new ByteArrayInputStream(sealed), AAD)) {
            assertThat(in.readAllBytes()).isEqualTo(plain);
        }
        Path src = file(sealed);
        for (int threads : new int[] {1, 3}) {
            Path whole = fresh();
            key.decryptFile(src, whole, AAD, threads);
            assertThat(Files.readAllBytes(whole)).isEqualTo(plain);

            Path partial = fresh();
            try (PartialDecryption p = key.decryptPartially(src, partial, AAD, threads)) {
                assertThat(p.plaintextSize()).isEqualTo(size);
                p.decrypt(List.of(new ByteRange(0, size)));
            }
            assertThat(Files.readAllBytes(partial)).isEqualTo(plain);
        }
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void v1FilesWithAnEditedHeaderOrWrongAssociatedDataAreRefusedByEveryReader(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] sealed = sealedV1(key, random(V1_SEG + 10));
        byte[][] attacks = {flip(sealed, 0, 3), flip(sealed, 2, 1), flip(sealed, 20, 1), flip(sealed, sealed.length - 1, 1)};
        for (byte[] attack : attacks) {
            assertEveryReaderRefuses(key, attack, AAD);
        }
        assertEveryReaderRefuses(key, sealed, "dataset:10".getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void newStreamsAreV2WithSixtyFourKibibyteSegmentsRecordedInTheHeader(Suite suite) throws IOException {
        DataKey key = DataKey.generate(suite);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = key.encryptingStream(sink, AAD)) {
            out.write(new byte[(1 << 16) + 1]);
        }
        byte[] sealed = sink.toByteArray();
        assertThat(sealed[0]).isEqualTo((byte) 2);
        assertThat(sealed[1]).isEqualTo(StreamFormat.suiteByte(suite));
        assertThat(sealed[2]).isEqualTo((byte) 16);
        assertThat(sealed).hasSize(3 + 16 + 7 + (1 << 16) + 1 + 2 * SegmentCipher.TAG_LENGTH);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void writerRecordsTheSegmentSizeItWasGivenAndReadersFollowIt(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        for (int shift : new int[] {12, 13, 17, 24}) {
            byte[] plain = random((1 << shift) + 5);
            byte[] sealed = sealed(key, plain, 1 << shift);
            assertThat(sealed[2]).isEqualTo((byte) shift);
            assertThat(sealed).hasSize(StreamFormat.HEADER_LENGTH + plain.length + 2 * SegmentCipher.TAG_LENGTH);
            try (InputStream in = key.decryptingStream(new ByteArrayInputStream(sealed), AAD)) {
                assertThat(in.readAllBytes()).isEqualTo(plain);
            }
            Path whole = fresh();
            key.decryptFile(file(sealed), whole, AAD, 2);
            assertThat(Files.readAllBytes(whole)).isEqualTo(plain);
        }
    }

    @Test
    void writerRefusesSegmentSizesThatAreNotAPowerOfTwoFromFourKibibytesToSixteenMebibytes() {
        AeadDataKey key = AeadDataKey.generate(Suite.INTL);
        for (int size : new int[] {0, -4096, 256, 2048, 4095, 4097, 3 * 4096, 1 << 25, Integer.MIN_VALUE}) {
            assertThatThrownBy(() -> key.encryptingStream(new ByteArrayOutputStream(), AAD, size))
                    .as("segment size %d", size)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void segmentShiftOutsideTwelveToTwentyFourIsRejectedAsTampering(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] sealed = sealed(key, random(5000), 4096);
        for (int shift : new int[] {0, 1, 11, 25, 31, 32, 64, 127, 128, 255}) {
            byte[] edited = sealed.clone();
            edited[2] = (byte) shift;
            assertThatThrownBy(() -> StreamFormat.parse(Arrays.copyOf(edited, StreamFormat.HEADER_LENGTH), suite))
                    .as("shift %d", shift)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("invalid segment size");
            assertEveryReaderRefuses(key, edited, AAD);
        }
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void editedSegmentShiftWithinRangeFailsAuthenticationRatherThanMisparsing(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        // Sizes where the edited geometry is self-consistent too, so only the key binding can catch it.
        byte[] plain = random(3 * 8192 + 100);
        byte[] sealed = sealed(key, plain, 4096);
        for (int shift = StreamFormat.MIN_SEGMENT_SHIFT; shift <= StreamFormat.MAX_SEGMENT_SHIFT; shift++) {
            if (shift == 12) {
                continue;
            }
            byte[] edited = sealed.clone();
            edited[2] = (byte) shift;
            assertThat(StreamFormat.parse(Arrays.copyOf(edited, StreamFormat.HEADER_LENGTH), suite).segmentSize())
                    .isEqualTo(1 << shift);
            assertEveryReaderRefuses(key, edited, AAD, "failed authentication");
        }
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void editedVersionSuiteSaltOrNoncePrefixIsRefusedByEveryReader(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] sealed = sealed(key, random(3 * 4096 + 1), 4096);
        // version 2 -> 1 re-reads the header as v1 (1 MiB segments, shifted salt): caught by the key binding.
        byte[][] attacks = {flip(sealed, 0, 3), flip(sealed, 0, 1), flip(sealed, 0, 0x80), flip(sealed, 1, 3),
                flip(sealed, 3, 1), flip(sealed, 18, 0x40), flip(sealed, 19, 1), flip(sealed, 25, 1)};
        for (byte[] attack : attacks) {
            assertEveryReaderRefuses(key, attack, AAD);
        }
    }

    /** Stream, whole-file and partial decryption all throw IOException and leave no target behind. */
    void assertEveryReaderRefuses(AeadDataKey key, byte[] sealed, byte[] aad, String... messagePart) throws IOException {
        String[] messageParts = messagePart.length == 0 ? new String[] {""} : messagePart;
        assertThatThrownBy(() -> {
            try (InputStream in = key.decryptingStream(new ByteArrayInputStream(sealed), aad)) {
                in.readAllBytes();
            }
        }).isInstanceOf(IOException.class).hasMessageContainingAll(messageParts);
        Path src = file(sealed);
        Path whole = fresh();
        assertThatThrownBy(() -> key.decryptFile(src, whole, aad, 2)).isInstanceOf(IOException.class)
                .hasMessageContainingAll(messageParts);
        assertThat(whole).doesNotExist();
        Path partial = fresh();
        assertThatThrownBy(() -> key.decryptPartially(src, partial, aad, 2).close()).isInstanceOf(IOException.class)
                .hasMessageContainingAll(messageParts);
        assertThat(partial).doesNotExist();
    }
}
