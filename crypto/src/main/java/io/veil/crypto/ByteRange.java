package io.veil.crypto;

/**
 * A range of plaintext bytes, {@code [offset, offset + length)}, e.g. one Parquet column chunk to
 * decrypt with {@link PartialDecryption#decrypt}.
 */
public record ByteRange(long offset, long length) {
    public ByteRange {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("byte range needs a non-negative offset and length, not " + offset + "+" + length);
        }
        if (offset > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("byte range " + offset + "+" + length + " overflows");
        }
    }

    /** The first offset past the range. */
    public long end() {
        return offset + length;
    }
}
