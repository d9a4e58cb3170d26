package io.veil.crypto;

import static io.veil.crypto.SealedFiles.concat;
import static io.veil.crypto.SealedFiles.flip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Decrypting only requested byte ranges: exact bytes where asked, zeros elsewhere, and what is read is authentic. */
class PartialDecryptionTest {
    static final int SEG = 4096;
    static final int SEALED = SEG + SegmentCipher.TAG_LENGTH;
    static final int BODY = StreamFormat.HEADER_LENGTH;
    static final byte[] AAD = "dataset:3:parquet".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    static Stream<Arguments> suitesAndSizes() {
        int[] sizes = {0, 1, SEG - 1, SEG, SEG + 1, 2 * SEG, 9 * SEG + 3, 40 * SEG + 77};
        return Stream.of(Suite.values()).flatMap(s -> Arrays.stream(sizes).mapToObj(n -> Arguments.of(s, n)));
    }

    static byte[] random(int size, long seed) {
        return SealedFiles.random(size, seed);
    }

    static byte[] sealed(AeadDataKey key, byte[] plain) throws IOException {
        return SealedFiles.seal(key, plain, AAD, SEG);
    }

    Path file(byte[] content) throws IOException {
        return SealedFiles.write(dir, content);
    }

    Path fresh() {
        return SealedFiles.fresh(dir);
    }

    static List<ByteRange> randomRanges(Random r, long size) {
        List<ByteRange> ranges = new ArrayList<>();
        int n = r.nextInt(4);
        for (int i = 0; i < n && size > 0; i++) {
            long offset = (long) (r.nextDouble() * size);
            long length = r.nextInt(4) == 0 ? 0 : 1 + (long) (r.nextDouble() * Math.min(size - offset, 3L * SEG));
            ranges.add(new ByteRange(offset, Math.min(length, size - offset)));
        }
        return ranges;
    }

    /** Requested bytes equal the plaintext; segments holding no requested byte (except the last) are all zero. */
    static void assertExactlyRequested(byte[] got, byte[] plain, List<ByteRange> requested, int segmentSize) {
        assertThat(got).hasSize(plain.length);
        int segments = Math.max(1, (plain.length + segmentSize - 1) / segmentSize);
        boolean[] touched = new boolean[segments];
        touched[segments - 1] = true;
        for (ByteRange r : requested) {
            int from = (int) r.offset();
            int to = (int) Math.min(r.end(), plain.length);
            assertThat(Arrays.copyOfRange(got, from, to)).as("range %s", r).isEqualTo(Arrays.copyOfRange(plain, from, to));
            for (int s = from / segmentSize; from < to && s <= (to - 1) / segmentSize; s++) {
                touched[s] = true;
            }
        }
        for (int s = 0; s < segments; s++) {
            int from = s * segmentSize;
            int to = Math.min(plain.length, from + segmentSize);
            byte[] expected = touched[s] ? Arrays.copyOfRange(plain, from, to) : new byte[to - from];
            assertThat(Arrays.copyOfRange(got, from, to)).as("segment %d", s).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0} {1} bytes")
    @MethodSource("suitesAndSizes")
    void partialDecryptionYieldsExactBytesOfRequestedRangesAndZerosElsewhere(Suite suite, int size) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] plain = random(size, size);
        Path src = file(sealed(key, plain));
        Random r = new Random(size * 31L + suite.ordinal());
        for (int round = 0; round < 6; round++) {
            Path target = fresh();
            List<ByteRange> all = new ArrayList<>();
            try (PartialDecryption p = key.decryptPartially(src, target, AAD, round % 2 == 0 ? 1 : 3)) {
                assertThat(p.plaintextSize()).isEqualTo(size);
                assertThat(Files.size(target)).as("sparse target has the full length at once").isEqualTo(size);
                for (int call = 0; call < 1 + round % 3; call++) {
                    List<ByteRange> ranges = randomRanges(r, size);
                    p.decrypt(ranges);
                    all.addAll(ranges);
                }
            }
            assertExactlyRequested(Files.readAllBytes(target), plain, all, SEG);
        }
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void partialDecryptionOfV1FilesUsesTheImpliedOneMebibyteSegments(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        int seg = StreamFormat.V1_SEGMENT_SIZE;
        byte[] plain = random(3 * seg + 1234, 7);
        Path src = file(SealedFiles.sealV1(key, plain, AAD));
        Path target = fresh();
        List<ByteRange> ranges = List.of(new ByteRange(seg + 10, 100), new ByteRange(seg - 5, 10));
        try (PartialDecryption p = key.decryptPartially(src, target, AAD)) {
            assertThat(p.plaintextSize()).isEqualTo(plain.length);
            p.decrypt(ranges);
        }
        assertExactlyRequested(Files.readAllBytes(target), plain, ranges, seg);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void manyRangesOverManySegmentsAreDecryptedOnAllThreads(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] plain = random(200 * SEG + 9, 11);
        Path src = file(sealed(key, plain));
        Path target = fresh();
        List<ByteRange> ranges = new ArrayList<>();
        for (int s = 0; s < 200; s += 3) {
            ranges.add(new ByteRange((long) s * SEG + 100, SEG));   // spills into the next segment
        }
        try (PartialDecryption p = key.decryptPartially(src, target, AAD, 4)) {
            p.decrypt(ranges);
        }
        assertExactlyRequested(Files.readAllBytes(target), plain, ranges, SEG);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void emptyLastSegmentAfterFullOnesStillGivesATargetOfFullLength(Suite suite) throws Exception {
        // Our writer never emits this (it holds back a full segment until more data or close), but the format allows it.
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] plain = random(3 * SEG, 67);
        StreamFormat.Header header = StreamFormat.newHeader(suite, SEG);
        byte[] segmentKey = StreamFormat.segmentKey(suite, key.exportForWorker(), header, AAD);
        SegmentCipher cipher = SegmentCipher.create(suite, segmentKey);
        byte[] sealed = Arrays.copyOf(header.bytes(), BODY + 3 * SEALED + SegmentCipher.TAG_LENGTH);
        byte[] nonce = new byte[SegmentCipher.NONCE_LENGTH];
        for (int i = 0; i <= 3; i++) {
            StreamFormat.nonce(nonce, header, i, i == 3);
            cipher.seal(nonce, null, plain, i * SEG, i == 3 ? 0 : SEG, sealed, BODY + i * SEALED);
        }
        Path src = file(sealed);
        Path whole = fresh();
        key.decryptFile(src, whole, AAD);
        assertThat(Files.readAllBytes(whole)).isEqualTo(plain);
        Path target = fresh();
        List<ByteRange> ranges = List.of(new ByteRange(SEG + 1, 2));
        try (PartialDecryption p = key.decryptPartially(src, target, AAD)) {
            assertThat(p.plaintextSize()).isEqualTo(plain.length);
            assertThat(Files.size(target)).isEqualTo(plain.length);
            p.decrypt(ranges);
        }
        byte[] expected = new byte[plain.length];   // only segment 1 decrypted; the empty last one adds no bytes
        System.arraycopy(plain, SEG, expected, SEG, SEG);
        assertThat(Files.readAllBytes(target)).isEqualTo(expected);
        assertRefusedOnOpen(key, Arrays.copyOf(sealed, BODY + 3 * SEALED), AAD);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void eachSegmentIsDecryptedAtMostOnce(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] plain = random(5 * SEG, 13);
        byte[] sealed = sealed(key, plain);
        Path src = file(sealed);
        Path target = fresh();
        try (PartialDecryption p = key.decryptPartially(src, target, AAD, 2)) {
            p.decrypt(List.of(new ByteRange(SEG, 2 * SEG)));
            // Segments 1 and 2 are done: corrupting them now is not seen, because they are not read again.
            Files.write(src, flip(sealed, BODY + SEALED + 5));
            p.decrypt(List.of(new ByteRange(SEG + 1, 10), new ByteRange(2 * SEG, SEG)));
            assertThat(Files.readAllBytes(target)).containsSequence(Arrays.copyOfRange(plain, SEG, 3 * SEG));
            // Segment 0 is new, so it is read and fails.
            Files.write(src, flip(sealed, BODY + 5));
            assertThatThrownBy(() -> p.decrypt(List.of(new ByteRange(0, 1)))).isInstanceOf(IOException.class);
        }
        assertThat(target).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void flippedByteInRequestedSegmentFailsDeletesTargetAndFailsEveryLaterCall(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] sealed = sealed(key, random(6 * SEG + 50, 17));
        Path src = file(flip(sealed, BODY + 3 * SEALED + 100));
        Path target = fresh();
        try (PartialDecryption p = key.decryptPartially(src, target, AAD, 3)) {
            p.decrypt(List.of(new ByteRange(0, SEG)));
            assertThatThrownBy(() -> p.decrypt(List.of(new ByteRange(2 * SEG, 3 * SEG))))
                    .isInstanceOf(IOException.class)
                    .hasMessage(ParallelFileDecryptor.FAILED);
            assertThat(target).doesNotExist();
            assertThatThrownBy(() -> p.decrypt(List.of(new ByteRange(0, 1)))).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> p.decrypt(List.of())).isInstanceOf(IOException.class);
        }
        assertThat(target).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void flippedByteInUnrequestedSegmentGoesUnnoticedBecauseOnlyWhatIsReadIsAuthenticated(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] plain = random(6 * SEG + 50, 19);
        Path src = file(flip(sealed(key, plain), BODY + 3 * SEALED + 100));
        Path target = fresh();
        List<ByteRange> ranges = List.of(new ByteRange(0, 3 * SEG), new ByteRange(4 * SEG, 10));
        try (PartialDecryption p = key.decryptPartially(src, target, AAD, 3)) {
            p.decrypt(ranges);
        }
        assertExactlyRequested(Files.readAllBytes(target), plain, ranges, SEG);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void anyChangeToTheLastSegmentFailsOnOpenEvenIfNothingIsRequested(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        for (int size : new int[] {0, 10, 4 * SEG, 4 * SEG + 10}) {
            byte[] sealed = sealed(key, random(size, size));
            int lastStart = BODY + (Math.max(1, (size + SEG - 1) / SEG) - 1) * SEALED;
            for (int at : new int[] {lastStart, sealed.length - 1}) {
                assertRefusedOnOpen(key, flip(sealed, at), AAD);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void truncationAtASegmentBoundaryOrMidSegmentFailsOnOpen(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] sealed = sealed(key, random(4 * SEG + 10, 23));
        assertRefusedOnOpen(key, Arrays.copyOf(sealed, BODY + 4 * SEALED), AAD);   // last segment dropped
        assertRefusedOnOpen(key, Arrays.copyOf(sealed, BODY + 2 * SEALED), AAD);
        assertRefusedOnOpen(key, Arrays.copyOf(sealed, BODY + 2 * SEALED + 100), AAD);
        assertRefusedOnOpen(key, Arrays.copyOf(sealed, sealed.length - 1), AAD);
        assertRefusedOnOpen(key, Arrays.copyOf(sealed, BODY + 5), AAD);
        assertRefusedOnOpen(key, Arrays.copyOf(sealed, BODY), AAD);
        assertRefusedOnOpen(key, Arrays.copyOf(sealed, BODY - 1), AAD);
        assertRefusedOnOpen(key, new byte[0], AAD);
        byte[] exact = sealed(key, random(4 * SEG, 29));   // a whole number of segments: the last one is full
        assertRefusedOnOpen(key, Arrays.copyOf(exact, BODY + 3 * SEALED), AAD);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void appendedSegmentOrBytesFailOnOpen(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] sealed = sealed(key, random(3 * SEG + 10, 31));
        assertRefusedOnOpen(key, concat(sealed, Arrays.copyOfRange(sealed, BODY, BODY + SEALED)), AAD);
        assertRefusedOnOpen(key, concat(sealed, Arrays.copyOfRange(sealed, BODY + 3 * SEALED, sealed.length)), AAD);
        assertRefusedOnOpen(key, concat(sealed, new byte[1]), AAD);
        byte[] other = sealed(key, random(5, 37));
        assertRefusedOnOpen(key, concat(sealed, Arrays.copyOfRange(other, BODY, other.length)), AAD);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void swappedSegmentsFailWhenEitherIsRequested(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] plain = random(5 * SEG + 10, 41);
        byte[] swapped = sealed(key, plain);
        byte[] original = swapped.clone();
        System.arraycopy(original, BODY + SEALED, swapped, BODY + 3 * SEALED, SEALED);
        System.arraycopy(original, BODY + 3 * SEALED, swapped, BODY + SEALED, SEALED);
        Path src = file(swapped);
        for (int requested : new int[] {1, 3}) {
            Path target = fresh();
            try (PartialDecryption p = key.decryptPartially(src, target, AAD, 2)) {
                assertThatThrownBy(() -> p.decrypt(List.of(new ByteRange((long) requested * SEG + 7, 1))))
                        .isInstanceOf(IOException.class)
                        .hasMessage(ParallelFileDecryptor.FAILED);
            }
            assertThat(target).doesNotExist();
        }
        Path target = fresh();
        List<ByteRange> others = List.of(new ByteRange(0, SEG), new ByteRange(2 * SEG, SEG), new ByteRange(4 * SEG, SEG + 10));
        try (PartialDecryption p = key.decryptPartially(src, target, AAD, 2)) {
            p.decrypt(others);
        }
        assertExactlyRequested(Files.readAllBytes(target), plain, others, SEG);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void wrongAssociatedDataOrWrongKeyFailsOnOpen(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] sealed = sealed(key, random(2 * SEG + 1, 43));
        assertRefusedOnOpen(key, sealed, "dataset:3:csv".getBytes(StandardCharsets.UTF_8));
        assertRefusedOnOpen(key, sealed, new byte[0]);
        assertRefusedOnOpen(AeadDataKey.generate(suite), sealed, AAD);
        Suite other = suite == Suite.INTL ? Suite.GM : Suite.INTL;
        assertRefusedOnOpen(AeadDataKey.generate(other), sealed, AAD);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void headerEditsToVersionSuiteShiftSaltOrNoncePrefixFailOnOpen(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] sealed = sealed(key, random(3 * SEG + 1, 47));
        int[][] edits = {{0, 3}, {0, 1}, {1, 3}, {2, 1}, {2, 3}, {2, 0x10}, {2, 0x80}, {3, 1}, {18, 0x20}, {19, 1}, {25, 0x80}};
        for (int[] e : edits) {
            byte[] edited = sealed.clone();
            edited[e[0]] ^= (byte) e[1];
            assertRefusedOnOpen(key, edited, AAD);
        }
        for (int shift : new int[] {11, 25, 0, 255}) {
            byte[] edited = sealed.clone();
            edited[2] = (byte) shift;
            assertRefusedOnOpen(key, edited, AAD);
        }
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void rangesReachingPastTheEndAreClampedAndRangesStartingPastItAreRejected(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] plain = random(3 * SEG + 5, 53);
        Path target = fresh();
        try (PartialDecryption p = key.decryptPartially(file(sealed(key, plain)), target, AAD, 2)) {
            p.decrypt(List.of(new ByteRange(2 * SEG, Long.MAX_VALUE - 2 * SEG), new ByteRange(plain.length, 0)));
            assertThatThrownBy(() -> p.decrypt(List.of(new ByteRange(0, 1), new ByteRange(plain.length, 1))))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> p.decrypt(List.of(new ByteRange(plain.length + 1L, 0))))
                    .isInstanceOf(IllegalArgumentException.class);
            p.decrypt(List.of());   // still usable: a rejected request decrypts nothing and fails nothing
        }
        assertExactlyRequested(Files.readAllBytes(target), plain, List.of(new ByteRange(2 * SEG, SEG + 5)), SEG);
    }

    @Test
    void byteRangeRejectsNegativeOrOverflowingBounds() {
        assertThatThrownBy(() -> new ByteRange(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ByteRange(0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ByteRange(Long.MAX_VALUE, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ByteRange(1, Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ByteRange(Long.MAX_VALUE, 0).end()).isEqualTo(Long.MAX_VALUE);
        assertThat(new ByteRange(5, 10).end()).isEqualTo(15);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void existingTargetIsRefusedAndLeftUntouched(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        Path src = file(sealed(key, random(SEG + 1, 59)));
        Path existing = Files.createTempFile(dir, "exists", ".bin");
        Files.writeString(existing, "keep me");
        assertThatThrownBy(() -> key.decryptPartially(src, existing, AAD)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(existing).hasContent("keep me");
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void closeLeavesTheTargetToTheCallerAndLaterCallsFail(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] plain = random(2 * SEG + 1, 61);
        Path target = fresh();
        PartialDecryption p = key.decryptPartially(file(sealed(key, plain)), target, AAD);
        p.decrypt(List.of(new ByteRange(0, 1)));
        p.close();
        p.close();
        assertThat(target).exists();
        assertThat(p.plaintextSize()).isEqualTo(plain.length);
        assertThatThrownBy(() -> p.decrypt(List.of(new ByteRange(0, 1)))).isInstanceOf(IOException.class);
        assertThat(target).exists();
        assertExactlyRequested(Files.readAllBytes(target), plain, List.of(new ByteRange(0, 1)), SEG);
    }

    /** Opening throws IOException, leaves no target behind and never echoes plaintext. */
    void assertRefusedOnOpen(AeadDataKey key, byte[] sealed, byte[] aad) throws IOException {
        Path src = file(sealed);
        Path target = fresh();
        assertThatThrownBy(() -> key.decryptPartially(src, target, aad, 2).close()).isInstanceOf(IOException.class);
        assertThat(target).doesNotExist();
    }
}
