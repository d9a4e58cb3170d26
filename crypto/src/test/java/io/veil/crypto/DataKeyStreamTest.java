package io.veil.crypto;

import static io.veil.crypto.SealedFiles.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class DataKeyStreamTest {
    /** The smallest segment size, so the edge cases are cheap; the format does not depend on the size. */
    static final int SEG = 4096;
    static final int SEALED_SEG = SEG + SegmentCipher.TAG_LENGTH;
    static final byte[] AAD = "dataset ds-7 version 3".getBytes(StandardCharsets.UTF_8);
    /** A recognisable plaintext so we can assert error messages never echo it. */
    static final String MARKER = "SECRET-CELL-VALUE-";

    static Stream<Arguments> suitesAndSizes() {
        int[] sizes = {0, 1, SEG - 1, SEG, SEG + 1, 3 * SEG + SEG / 2, 4 * SEG};
        return Stream.of(Suite.values()).flatMap(s -> Arrays.stream(sizes).mapToObj(n -> Arguments.of(s, n)));
    }

    @ParameterizedTest(name = "{0} {1} bytes")
    @MethodSource("suitesAndSizes")
    void streamRoundTripsEverySizeAroundSegmentBoundaries(Suite suite, int size) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] plain = plaintext(size);
        byte[] sealed = encrypt(key, plain, AAD);
        int segments = Math.max(1, (size + SEG - 1) / SEG);
        assertThat(sealed).hasSize(StreamFormat.HEADER_LENGTH + size + segments * SegmentCipher.TAG_LENGTH);
        assertThat(decrypt(key, sealed, AAD)).isEqualTo(plain);
        assertThat(decryptByteByByte(key, sealed, AAD)).isEqualTo(plain);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void byteAtATimeWritesProduceTheSamePlaintext(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] plain = plaintext(2 * SEG + 7);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = key.encryptingStream(sink, AAD, SEG)) {
            for (byte b : plain) {
                out.write(b);
            }
        }
        assertThat(decrypt(key, sink.toByteArray(), AAD)).isEqualTo(plain);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void defaultSixtyFourKibibyteSegmentsRoundTrip(Suite suite) throws IOException {
        DataKey key = DataKey.generate(suite);
        byte[] plain = plaintext((5 << 16) / 2 + 3);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = key.encryptingStream(sink, AAD)) {
            out.write(plain, 0, 1000);
            out.write(plain, 1000, plain.length - 1000);
        }
        assertThat(sink.size()).isEqualTo(StreamFormat.HEADER_LENGTH + plain.length + 3 * SegmentCipher.TAG_LENGTH);
        try (InputStream in = key.decryptingStream(new ByteArrayInputStream(sink.toByteArray()), AAD)) {
            assertThat(in.readAllBytes()).isEqualTo(plain);
        }
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void detectsFlippedByteAnywhere(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] sealed = encrypt(key, plaintext(2 * SEG + 10), AAD);
        int[] positions = {2, StreamFormat.HEADER_LENGTH - 1, StreamFormat.HEADER_LENGTH, StreamFormat.HEADER_LENGTH + SEG + 3,
                StreamFormat.HEADER_LENGTH + SEALED_SEG + 1, sealed.length - 1};
        for (int p : positions) {
            byte[] tampered = sealed.clone();
            tampered[p] ^= 0x01;
            assertRejected(key, tampered, AAD);
        }
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void detectsTamperedVersionOrSuiteByte(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] sealed = encrypt(key, plaintext(10), AAD);
        for (int p : new int[] {0, 1}) {
            byte[] tampered = sealed.clone();
            tampered[p] ^= 0x03;
            assertThatThrownBy(() -> decrypt(key, tampered, AAD)).isInstanceOf(IOException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void detectsTruncatedStream(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] sealed = encrypt(key, plaintext(3 * SEG), AAD);
        // Dropping the whole last segment leaves a stream that ends on a full, non-last segment.
        assertRejected(key, Arrays.copyOf(sealed, StreamFormat.HEADER_LENGTH + 2 * SEALED_SEG), AAD);
        assertRejected(key, Arrays.copyOf(sealed, sealed.length - 1), AAD);
        assertRejected(key, Arrays.copyOf(sealed, StreamFormat.HEADER_LENGTH + 5), AAD);
        assertThatThrownBy(() -> decrypt(key, Arrays.copyOf(sealed, StreamFormat.HEADER_LENGTH - 1), AAD))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> decrypt(key, new byte[0], AAD)).isInstanceOf(IOException.class);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void detectsTruncationAtExactSegmentBoundaryOfEmptyLastSegment(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] sealed = encrypt(key, plaintext(2 * SEG), AAD); // two full segments, the second is last
        assertRejected(key, Arrays.copyOf(sealed, StreamFormat.HEADER_LENGTH + SEALED_SEG), AAD);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void detectsExtendedStream(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] sealed = encrypt(key, plaintext(2 * SEG + 5), AAD);
        byte[] oneMore = Arrays.copyOf(sealed, sealed.length + 1);
        assertRejected(key, oneMore, AAD);
        // Appending a copy of a genuine segment.
        byte[] duplicated = concat(sealed, Arrays.copyOfRange(sealed, StreamFormat.HEADER_LENGTH, StreamFormat.HEADER_LENGTH + SEALED_SEG));
        assertRejected(key, duplicated, AAD);
        // Appending another stream's body under the same key.
        byte[] other = encrypt(key, plaintext(5), AAD);
        assertRejected(key, concat(sealed, Arrays.copyOfRange(other, StreamFormat.HEADER_LENGTH, other.length)), AAD);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void detectsReorderedSegments(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] sealed = encrypt(key, plaintext(3 * SEG + 1), AAD);
        byte[] swapped = sealed.clone();
        int s0 = StreamFormat.HEADER_LENGTH;
        int s1 = s0 + SEALED_SEG;
        System.arraycopy(sealed, s1, swapped, s0, SEALED_SEG);
        System.arraycopy(sealed, s0, swapped, s1, SEALED_SEG);
        assertRejected(key, swapped, AAD);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void detectsSegmentSplicedFromAnotherStream(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] a = encrypt(key, plaintext(2 * SEG + 1), AAD);
        byte[] b = encrypt(key, plaintext(2 * SEG + 1), AAD);
        byte[] spliced = a.clone();
        System.arraycopy(b, StreamFormat.HEADER_LENGTH, spliced, StreamFormat.HEADER_LENGTH, SEALED_SEG);
        assertRejected(key, spliced, AAD);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void rejectsWrongAssociatedData(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] sealed = encrypt(key, plaintext(SEG + 1), AAD);
        assertRejected(key, sealed, "dataset ds-7 version 4".getBytes(StandardCharsets.UTF_8));
        assertRejected(key, sealed, new byte[0]);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void rejectsWrongKey(Suite suite) throws IOException {
        byte[] sealed = encrypt(AeadDataKey.generate(suite), plaintext(SEG + 1), AAD);
        assertRejected(AeadDataKey.generate(suite), sealed, AAD);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void failedStreamStaysFailed(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] sealed = encrypt(key, plaintext(3 * SEG), AAD);
        sealed[sealed.length - 1] ^= 1;
        try (InputStream in = key.decryptingStream(new ByteArrayInputStream(sealed), AAD)) {
            byte[] buf = new byte[SEG];
            assertThat(in.readNBytes(buf, 0, SEG)).isEqualTo(SEG); // first segment is genuine
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
            assertThatThrownBy(in::read).isInstanceOf(IOException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void nullAssociatedDataEqualsEmpty(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] plain = plaintext(17);
        assertThat(decrypt(key, encrypt(key, plain, null), new byte[0])).isEqualTo(plain);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void sameStreamEncryptsDifferentlyEachTime(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        byte[] plain = plaintext(40);
        assertThat(encrypt(key, plain, AAD)).isNotEqualTo(encrypt(key, plain, AAD));
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void closeIsIdempotentAndWriteAfterCloseFails(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream out = key.encryptingStream(sink, AAD, SEG);
        out.write(plaintext(3));
        out.close();
        int size = sink.size();
        out.close();
        assertThat(sink.size()).isEqualTo(size);
        assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void sinkFailurePoisonsTheStreamSoNoNonceIsReused(Suite suite) throws IOException {
        AeadDataKey key = AeadDataKey.generate(suite);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        OutputStream flaky = new OutputStream() {
            int writes;
            @Override public void write(int b) throws IOException { write(new byte[] {(byte) b}, 0, 1); }
            @Override public void write(byte[] b, int off, int len) throws IOException {
                if (++writes == 3) { // header, segment 0, then fail on segment 1
                    throw new IOException("disk full");
                }
                captured.write(b, off, len);
            }
        };
        OutputStream out = key.encryptingStream(flaky, AAD, SEG);
        out.write(plaintext(SEG + 1));
        assertThatThrownBy(() -> out.write(plaintext(SEG))).isInstanceOf(IOException.class);
        int before = captured.size();
        assertThatThrownBy(() -> out.write(plaintext(SEG * 2))).isInstanceOf(IOException.class).hasMessageContaining("failed earlier");
        out.close();
        assertThat(captured.size()).isEqualTo(before); // nothing more was sealed under segment 1's nonce
        assertRejected(key, captured.toByteArray(), AAD);
    }

    static void assertRejected(AeadDataKey key, byte[] sealed, byte[] aad) {
        assertThatThrownBy(() -> decrypt(key, sealed, aad))
                .isInstanceOf(IOException.class)
                .satisfies(e -> assertThat(String.valueOf(e.getMessage())).doesNotContain(MARKER));
    }

    static byte[] plaintext(int size) {
        byte[] marker = MARKER.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
            out[i] = i % 64 < marker.length ? marker[i % 64] : (byte) (i * 31 + 7);
        }
        return out;
    }

    static byte[] encrypt(AeadDataKey key, byte[] plain, byte[] aad) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = key.encryptingStream(sink, aad, SEG)) {
            out.write(plain);
        }
        return sink.toByteArray();
    }

    static byte[] decrypt(AeadDataKey key, byte[] sealed, byte[] aad) throws IOException {
        try (InputStream in = key.decryptingStream(new ByteArrayInputStream(sealed), aad)) {
            return in.readAllBytes();
        }
    }

    static byte[] decryptByteByByte(AeadDataKey key, byte[] sealed, byte[] aad) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // A source that returns one byte per read exercises the partial-read loops.
        InputStream trickle = new ByteArrayInputStream(sealed) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
        try (InputStream in = key.decryptingStream(trickle, aad)) {
            int b;
            while ((b = in.read()) >= 0) {
                out.write(b);
            }
        }
        return out.toByteArray();
    }
}
