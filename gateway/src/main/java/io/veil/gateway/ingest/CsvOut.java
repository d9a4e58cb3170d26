package io.veil.gateway.ingest;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Writes the stored form: RFC 4180, LF line ends, quoting only where needed, empty = NULL, UTF-8
 * encoded by hand (the input was strictly decoded, so surrogates are always paired). A failing
 * sink is a server-side storage problem, not bad input, so it surfaces as UncheckedIOException.
 */
final class CsvOut {
    private final OutputStream sink;
    private final byte[] buf = new byte[1 << 16];
    private int n;

    CsvOut(OutputStream sink) {
        this.sink = sink;
    }

    void separator() {
        put((byte) ',');
    }

    void endRow() {
        put((byte) '\n');
    }

    /** A value known to be ASCII without characters that need quoting (numbers, dates, booleans). */
    void plain(char[] a, int off, int len) {
        if (buf.length - n < len) drain();
        for (int i = off; i < off + len; i++) buf[n++] = (byte) a[i];
    }

    /** Arbitrary text, quoted when it contains , " CR LF or has a leading/trailing space. */
    void text(char[] a, int off, int len) {
        if (!needsQuotes(a, off, len)) {
            utf8(a, off, len);
            return;
        }
        put((byte) '"');
        int run = off;
        for (int i = off; i < off + len; i++) {
            if (a[i] == '"') {
                utf8(a, run, i + 1 - run);
                put((byte) '"');
                run = i + 1;
            }
        }
        utf8(a, run, off + len - run);
        put((byte) '"');
    }

    static boolean needsQuotes(char[] a, int off, int len) {
        if (len == 0) return false;
        if (a[off] == ' ' || a[off + len - 1] == ' ') return true;
        for (int i = off; i < off + len; i++) {
            char c = a[i];
            if (c == ',' || c == '"' || c == '\n' || c == '\r') return true;
        }
        return false;
    }

    private void utf8(char[] a, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (buf.length - n < 4) drain();
            char c = a[i];
            if (c < 0x80) {
                buf[n++] = (byte) c;
            } else if (c < 0x800) {
                buf[n++] = (byte) (0xC0 | c >> 6);
                buf[n++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c)) {
                int cp = Character.toCodePoint(c, a[++i]);
                buf[n++] = (byte) (0xF0 | cp >> 18);
                buf[n++] = (byte) (0x80 | cp >> 12 & 0x3F);
                buf[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
                buf[n++] = (byte) (0x80 | cp & 0x3F);
            } else {
                buf[n++] = (byte) (0xE0 | c >> 12);
                buf[n++] = (byte) (0x80 | c >> 6 & 0x3F);
                buf[n++] = (byte) (0x80 | c & 0x3F);
            }
        }
    }

    private void put(byte b) {
        if (n == buf.length) drain();
        buf[n++] = b;
    }

    private void drain() {
        try {
            sink.write(buf, 0, n);
            n = 0;
        } catch (IOException e) {
            throw new UncheckedIOException("writing the normalised copy failed", e);
        }
    }

    void flush() {
        drain();
        try {
            sink.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the normalised copy failed", e);
        }
    }
}
