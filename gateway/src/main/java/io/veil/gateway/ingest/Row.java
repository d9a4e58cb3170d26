package io.veil.gateway.ingest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One record as a reusable char buffer plus field end offsets: field i is
 * chars[start(i), ends[i]). Reused for every record so parsing allocates nothing per cell.
 */
final class Row {
    char[] chars = new char[1 << 12];
    int[] ends = new int[16];
    int fields;
    int length;
    /** Physical line the record starts on (1 = header), for error messages. */
    long line;

    void clear(long line) {
        fields = 0;
        length = 0;
        this.line = line;
    }

    int start(int i) {
        return i == 0 ? 0 : ends[i - 1];
    }

    int fieldLength(int i) {
        return ends[i] - start(i);
    }

    void append(char[] a, int off, int len) {
        if (length + len > chars.length) chars = Arrays.copyOf(chars, Math.max(chars.length * 2, length + len));
        System.arraycopy(a, off, chars, length, len);
        length += len;
    }

    void append(char c) {
        if (length == chars.length) chars = Arrays.copyOf(chars, chars.length * 2);
        chars[length++] = c;
    }

    /** Characters of the field being built (the one after the last completed field). */
    int openFieldLength() {
        return length - (fields == 0 ? 0 : ends[fields - 1]);
    }

    void endField() {
        if (fields == ends.length) ends = Arrays.copyOf(ends, fields * 2);
        ends[fields++] = length;
    }

    List<String> strings() {
        List<String> out = new ArrayList<>(fields);
        for (int i = 0; i < fields; i++) out.add(new String(chars, start(i), fieldLength(i)));
        return out;
    }
}
