package io.veil.gateway.ingest;

import io.veil.policy.ColumnRole;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One-pass, constant-memory CSV ingest (ADR 0005): parse strictly, infer types from the leading
 * rows (held back, bounded), then stream every row normalised into {@code normalizedSink}, hashing
 * and counting the raw bytes on the way. Failures are {@link IngestException}s with stable codes;
 * a failing sink is an {@link java.io.UncheckedIOException} (server-side, not the uploader's fault).
 * The caller discards whatever reached the sink when this throws.
 */
public final class CsvIngest {
    /** Characters of the type-inference sample held in memory at most (rows beyond it are not sampled). */
    static final int MAX_SAMPLE_CHARS = 8 << 20;

    private CsvIngest() {}

    public static IngestResult ingest(InputStream upload, Map<String, String> declaredRoles, IngestLimits limits,
                                      OutputStream normalizedSink) {
        MeteredInput metered = new MeteredInput(upload, limits.maxBytes());
        try {
            CsvParser parser = new CsvParser(metered, limits.maxFieldChars());
            Row row = new Row();
            if (!parser.next(row, limits.maxColumns(), "CSV_TOO_MANY_COLUMNS") || (row.fields == 1 && row.length == 0)) {
                throw new IngestException("CSV_EMPTY", "the file is empty");
            }
            List<String> names = row.strings();
            List<ColumnRole> roles = Header.check(names, declaredRoles, limits.maxColumns());
            int columns = names.size();

            Sample sample = new Sample();
            Inference inference = new Inference(columns);
            while (sample.rows() < limits.inferenceRows() && sample.chars() < MAX_SAMPLE_CHARS
                    && parser.next(row, columns, "CSV_RAGGED_ROW")) {
                checkWidth(row, columns);
                inference.observe(row);
                sample.add(row);
            }
            if (sample.rows() == 0) throw new IngestException("CSV_HEADER_ONLY", "the file has a header but no rows");
            List<Types> types = new ArrayList<>(columns);
            for (int i = 0; i < columns; i++) types.add(inference.type(i));

            Normalizer normalizer = new Normalizer(names, roles, types, normalizedSink);
            sample.replay(normalizer, columns);
            while (parser.next(row, columns, "CSV_RAGGED_ROW")) {
                checkWidth(row, columns);
                normalizer.row(row.chars, row.ends, row.line);
            }
            return normalizer.finish(metered.sha256Hex(), metered.count());
        } catch (IOException e) {
            // MeteredInput already maps read failures; this covers anything else the stream stack throws.
            throw new IngestException("UPLOAD_TRUNCATED", "the upload ended before it was complete");
        }
    }

    private static void checkWidth(Row row, int columns) {
        if (row.fields != columns) {
            throw new IngestException("CSV_RAGGED_ROW", "line " + row.line + " has " + row.fields + " fields, the header has " + columns);
        }
    }
}
