package io.veil.gateway.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict RFC 4180 reader over strictly decoded UTF-8 (CharsetDecoder with REPORT; a leading BOM
 * is skipped): quoted fields with "" escapes, LF or CRLF line ends. A quote inside an unquoted
 * field, text after a closing quote, a bare CR or an unterminated quote is an error. Errors name
 * the line, never the content. Fields are copied run-wise into a reusable {@link Row}.
 */
final class CsvParser {
    private final InputStream in;
    private final int maxField;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
    private final CharBuffer decoded = CharBuffer.allocate(1 << 16);
    private final char[] buf = decoded.array();
    private int pos;
    private int lim;
    private boolean inputEnded;
    private boolean drained;
    /** Invalid bytes were found after the chars currently buffered: fail once those are consumed, so the line is exact. */
    private boolean invalidAhead;
    private boolean started;
    private long line = 1;

    CsvParser(InputStream in, int maxField) {
        this.in = in;
        this.maxField = maxField;
    }

    /**
     * Reads the next record into {@code row}; false at end of input. A final line end does not
     * make an empty record. More than {@code maxFields} fields fails with {@code tooManyCode}.
     */
    boolean next(Row row, int maxFields, String tooManyCode) throws IOException {
        if (pos == lim && !fill()) return false;
        row.clear(line);
        while (true) {
            if (row.fields == maxFields) {
                throw new IngestException(tooManyCode, tooManyCode.equals("CSV_RAGGED_ROW")
                        ? "line " + row.line + " has more fields than the header's " + maxFields
                        : "the header has more than " + maxFields + " columns");
            }
            int c = pos < lim || fill() ? buf[pos] : -1;
            if (c == '"') {
                pos++;
                quoted(row);
            } else {
                unquoted(row);
            }
            row.endField();
            if (pos == lim && !fill()) return true;
            c = buf[pos++];
            if (c == ',') continue;
            if (c == '\r') {
                if ((pos == lim && !fill()) || buf[pos] != '\n') {
                    throw new IngestException("CSV_BAD_QUOTING", "bare carriage return at line " + line);
                }
                pos++;
            }
            line++;
            return true;
        }
    }

    private void unquoted(Row row) throws IOException {
        while (true) {
            int i = pos;
            while (i < lim) {
                char c = buf[i];
                if (c == ',' || c == '\n' || c == '\r') break;
                if (c == '"') throw new IngestException("CSV_BAD_QUOTING", "quote inside an unquoted field at line " + line);
                i++;
            }
            take(row, i);
            if (i < lim || !fill()) return;
        }
    }

    private void quoted(Row row) throws IOException {
        long start = line;
        while (true) {
            if (pos == lim && !fill()) {
                throw new IngestException("CSV_BAD_QUOTING", "unterminated quoted field starting at line " + start);
            }
            int i = pos;
            while (i < lim && buf[i] != '"') {
                if (buf[i] == '\n') line++;
                i++;
            }
            take(row, i);
            if (i == lim) continue;
            pos++; // the quote
            int next = pos < lim || fill() ? buf[pos] : -1;
            if (next == '"') {
                checkLength(row, 1);
                row.append('"');
                pos++;
            } else if (next < 0 || next == ',' || next == '\n' || next == '\r') {
                return;
            } else {
                throw new IngestException("CSV_BAD_QUOTING", "text after a closing quote at line " + line);
            }
        }
    }

    /** Appends buf[pos, end) to the open field and advances. */
    private void take(Row row, int end) {
        checkLength(row, end - pos);
        row.append(buf, pos, end - pos);
        pos = end;
    }

    private void checkLength(Row row, int more) {
        if (row.openFieldLength() + more > maxField) {
            throw new IngestException("CSV_FIELD_TOO_LONG", "a field on line " + line + " is longer than " + maxField + " characters");
        }
    }

    /** Decodes more input; false at end. Keeps pos/lim over the shared char array. */
    private boolean fill() throws IOException {
        if (invalidAhead) throw invalidUtf8();
        if (drained) return false;
        decoded.clear();
        while (true) {
            CoderResult r = decoder.decode(bytes, decoded, inputEnded);
            if (r.isError()) {
                if (decoded.position() == 0) throw invalidUtf8();
                invalidAhead = true;
                break;
            }
            if (r.isOverflow() || (decoded.position() > 0 && !inputEnded)) break;
            if (inputEnded) {
                decoder.flush(decoded);
                drained = true;
                break;
            }
            bytes.compact();
            int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
            if (n < 0) inputEnded = true;
            else bytes.position(bytes.position() + n);
            bytes.flip();
        }
        decoded.flip();
        pos = 0;
        lim = decoded.limit();
        if (!started && lim > 0) {
            started = true;
            if (buf[0] == '\uFEFF') pos = 1;
            if (pos == lim) return fill();
        }
        return pos < lim;
    }

    private IngestException invalidUtf8() {
        return new IngestException("CSV_INVALID_UTF8", "the file is not valid UTF-8 (near line " + line + ")");
    }
}
