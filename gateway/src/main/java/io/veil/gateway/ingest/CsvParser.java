package io.veil.gateway.ingest;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.List;

/**
 * Strict RFC 4180 reader over a strictly decoded UTF-8 stream: quoted fields with "" escapes,
 * LF or CRLF line ends. A quote inside an unquoted field, text after a closing quote or an
 * unterminated quote is an error. Errors name the line, never the content.
 */
final class CsvParser {
    private final Reader in;
    private final int maxField;
    private final char[] buf = new char[1 << 16];
    private int pos;
    private int len;
    private long line = 1;
    private final StringBuilder field = new StringBuilder();

    CsvParser(Reader in, int maxField) {
        this.in = in;
        this.maxField = maxField;
    }

    long line() {
        return line;
    }

    /** The next record's fields, or null at end of input. A trailing line end does not make an empty record. */
    List<String> next() throws IOException {
        if (peek() < 0) return null;
        List<String> out = new ArrayList<>();
        while (true) {
            int c = peek();
            if (c == '"') {
                pos++;
                quoted();
            } else {
                unquoted();
            }
            out.add(field.toString());
            field.setLength(0);
            c = read();
            if (c == ',') continue;
            if (c < 0) return out;
            if (c == '\r') {
                if (read() != '\n') throw new IngestException("CSV_BAD_QUOTING", "bare carriage return at line " + line);
            }
            line++;
            return out;
        }
    }

    private void unquoted() throws IOException {
        while (true) {
            int c = peek();
            if (c < 0 || c == ',' || c == '\n' || c == '\r') return;
            if (c == '"') throw new IngestException("CSV_BAD_QUOTING", "quote inside an unquoted field at line " + line);
            append((char) c);
            pos++;
        }
    }

    private void quoted() throws IOException {
        long start = line;
        while (true) {
            int c = read();
            if (c < 0) throw new IngestException("CSV_BAD_QUOTING", "unterminated quoted field starting at line " + start);
            if (c == '"') {
                int n = peek();
                if (n == '"') {
                    pos++;
                    append('"');
                    continue;
                }
                if (n < 0 || n == ',' || n == '\n' || n == '\r') return;
                throw new IngestException("CSV_BAD_QUOTING", "text after a closing quote at line " + line);
            }
            if (c == '\n') line++;
            append((char) c);
        }
    }

    private void append(char c) {
        if (field.length() >= maxField) throw new IngestException("CSV_FIELD_TOO_LONG", "a field at line " + line + " exceeds " + maxField + " characters");
        field.append(c);
    }

    private int peek() throws IOException {
        if (pos == len && !fill()) return -1;
        return buf[pos];
    }

    private int read() throws IOException {
        if (pos == len && !fill()) return -1;
        return buf[pos++];
    }

    private boolean fill() throws IOException {
        try {
            len = in.read(buf, 0, buf.length);
        } catch (CharacterCodingException e) {
            throw new IngestException("CSV_INVALID_UTF8", "invalid UTF-8 near line " + line);
        }
        pos = 0;
        if (len <= 0) {
            len = 0;
            return false;
        }
        return true;
    }
}
