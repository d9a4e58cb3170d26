package io.veil.gateway.ingest;

import io.veil.policy.ColumnRole;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * Streams a CSV upload (constant memory: only the type-inference sample is buffered) into the
 * normalised stored form, validating everything on the way. See ADR 0005.
 */
public final class CsvIngest {
    private CsvIngest() {}

    public static IngestResult ingest(InputStream upload, Map<String, String> declaredRoles, IngestLimits limits,
                                      OutputStream normalizedSink) {
        MeteredInput metered = new MeteredInput(upload, limits.maxBytes());
        try {
            PushbackInputStream in = new PushbackInputStream(metered, 3);
            skipBom(in);
            var decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            CsvParser parser = new CsvParser(new InputStreamReader(in, decoder), limits.maxFieldChars());
            List<String> header = parser.next();
            if (header == null || (header.size() == 1 && header.get(0).isEmpty())) {
                throw new IngestException("CSV_EMPTY", "the file is empty");
            }
            List<ColumnRole> roles = RowSink.checkHeader(header, declaredRoles, limits.maxColumns());

            List<List<String>> sample = new ArrayList<>();
            List<Long> sampleLines = new ArrayList<>();
            List<EnumSet<Types>> candidates = new ArrayList<>();
            boolean[] sawValue = new boolean[header.size()];
            for (int i = 0; i < header.size(); i++) candidates.add(Types.candidates());
            List<String> row;
            while (sample.size() < limits.inferenceRows()) {
                long line = parser.line();
                if ((row = parser.next()) == null) break;
                checkWidth(row, header, line);
                for (int i = 0; i < row.size(); i++) {
                    String v = row.get(i);
                    if (v.isEmpty()) continue;
                    sawValue[i] = true;
                    candidates.get(i).removeIf(t -> !t.accepts(v));
                }
                sample.add(row);
                sampleLines.add(line);
            }
            if (sample.isEmpty()) throw new IngestException("CSV_HEADER_ONLY", "the file has a header but no rows");
            List<Types> types = new ArrayList<>();
            for (int i = 0; i < header.size(); i++) types.add(Types.choose(candidates.get(i), sawValue[i]));

            RowSink sink = new RowSink(normalizedSink);
            sink.start(header, roles, types);
            for (int i = 0; i < sample.size(); i++) sink.row(sample.get(i), sampleLines.get(i));
            sample.clear();
            while (true) {
                long line = parser.line();
                if ((row = parser.next()) == null) break;
                checkWidth(row, header, line);
                sink.row(row, line);
            }
            return sink.finish(metered.sha256Hex(), metered.count());
        } catch (IOException e) {
            throw new IngestException("UPLOAD_TRUNCATED", "the upload ended before it was complete");
        } catch (UncheckedIOException e) {
            throw new IngestException("STORAGE_FAILED", "the encrypted copy could not be written");
        }
    }

    private static void checkWidth(List<String> row, List<String> header, long line) {
        if (row.size() != header.size()) {
            throw new IngestException("CSV_RAGGED_ROW", "line " + line + " has " + row.size() + " fields, the header has " + header.size());
        }
    }

    private static void skipBom(PushbackInputStream in) throws IOException {
        byte[] b = in.readNBytes(3);
        if (!(b.length == 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF)) {
            in.unread(b);
        }
    }
}
