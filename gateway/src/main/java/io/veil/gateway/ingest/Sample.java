package io.veil.gateway.ingest;

import java.util.Arrays;

/**
 * The leading rows held back until their column types are known. Bounded by rows and by
 * characters, so a few huge rows cannot make the one-pass ingest hold the file in memory.
 */
final class Sample {
    private char[] chars = new char[1 << 16];
    private int length;
    private int[] ends = new int[1 << 10];
    private int cells;
    private long[] lines = new long[64];
    private int rows;

    int rows() {
        return rows;
    }

    int chars() {
        return length;
    }

    void add(Row row) {
        if (length + row.length > chars.length) chars = Arrays.copyOf(chars, Math.max(chars.length * 2, length + row.length));
        System.arraycopy(row.chars, 0, chars, length, row.length);
        if (cells + row.fields > ends.length) ends = Arrays.copyOf(ends, Math.max(ends.length * 2, cells + row.fields));
        for (int i = 0; i < row.fields; i++) ends[cells + i] = row.ends[i]; // offsets relative to the row start
        if (rows == lines.length) lines = Arrays.copyOf(lines, rows * 2);
        lines[rows++] = row.line;
        length += row.length;
        cells += row.fields;
    }

    /** Replays every held row into {@code into} (rows have {@code columns} fields each), then frees the memory. */
    void replay(Normalizer into, int columns) {
        int base = 0;
        char[] rowChars = new char[0];
        int[] rowEnds = new int[columns];
        for (int r = 0; r < rows; r++) {
            int rowLength = ends[r * columns + columns - 1];
            if (rowChars.length < rowLength) rowChars = new char[Math.max(rowLength, rowChars.length * 2)];
            System.arraycopy(chars, base, rowChars, 0, rowLength);
            System.arraycopy(ends, r * columns, rowEnds, 0, columns);
            into.row(rowChars, rowEnds, lines[r]);
            base += rowLength;
        }
        chars = null;
        ends = null;
    }
}
