package io.veil.gateway.crosszone;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.crypto.DataKey;
import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.datasets.BlobStore;
import io.veil.gateway.datasets.Dataset;
import io.veil.gateway.datasets.DatasetStore;
import io.veil.gateway.datasets.DatasetVersion;
import io.veil.policy.ColumnRole;
import org.springframework.stereotype.Component;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Reads a join-key column (with the ENTITY_ID column and, for PSI-SUM, a BIGINT metric) of this zone's
 * own dataset for the PSI protocol. The sandbox worker runs one SQL statement and returns only enforced
 * outputs, so it cannot take part in an interactive protocol; the blob is therefore decrypted here,
 * streamed through the data key in memory and parsed on the fly — plaintext never touches disk, and
 * the keys only exist in this process until they are hashed to the curve and blinded. Rows with a NULL
 * or empty key are skipped. Errors name columns and lines, never values. {@link PsiSets} bounds and
 * aggregates what this reads.
 */
@Component
class DatasetColumns {
    private final DatasetStore datasets;
    private final BlobStore blobs;
    private final ZoneKeyStore keys;

    DatasetColumns(DatasetStore datasets, BlobStore blobs, ZoneKeyStore keys) {
        this.datasets = datasets;
        this.blobs = blobs;
        this.keys = keys;
    }

    /**
     * What is known about the current version without reading it: the ENTITY_ID column (null if none),
     * whether ingest proved it non-null and unique per row, and the row count.
     */
    record Shape(String entityColumn, boolean oneRowPerEntity, long rowCount) {}

    Shape shape(String datasetId) {
        Dataset d = datasets.find(datasetId).orElseThrow(() -> ApiException.notFound("dataset"));
        DatasetVersion v = datasets.version(d.id(), d.currentVersion()).orElseThrow();
        // The same choice as the SQL path (JobExecution.rulesFor), so both bound the same entity.
        String entity = d.roles().entrySet().stream().filter(e -> ColumnRole.parse(e.getValue()).orElse(null) == ColumnRole.ENTITY_ID)
                .map(Map.Entry::getKey).findFirst().orElse(null);
        return new Shape(entity, entity != null && entity.equals(v.uniqueEntityColumn()), v.rowCount());
    }

    /** The stored type of a column, or null if the dataset has no such column. */
    String type(String datasetId, String column) {
        Dataset d = datasets.find(datasetId).orElseThrow(() -> ApiException.notFound("dataset"));
        DatasetVersion v = datasets.version(d.id(), d.currentVersion()).orElseThrow();
        for (JsonNode c : schema(v)) if (c.path("name").asText().equals(column)) return c.path("type").asText();
        return null;
    }

    interface RowSink {
        /** {@code entity} is null when the row's entity is NULL or no entity column was asked for; {@code value} when NULL. */
        void accept(String entity, String key, Long value);
    }

    /**
     * Streams every row with a non-empty key to {@code sink}; returns how many rows were read. A stored
     * value of a BIGINT column that does not parse is corruption, like a row of the wrong arity: both
     * end the read with an IllegalStateException.
     */
    long scan(String datasetId, String keyColumn, String metricColumn, String entityColumn, RowSink sink) {
        Dataset d = datasets.find(datasetId).orElseThrow(() -> ApiException.notFound("dataset"));
        DatasetVersion v = datasets.version(d.id(), d.currentVersion()).orElseThrow();
        List<String> names = new ArrayList<>();
        for (JsonNode c : schema(v)) names.add(c.path("name").asText());
        int ki = names.indexOf(keyColumn);
        int mi = metricColumn == null ? -1 : names.indexOf(metricColumn);
        int ei = entityColumn == null ? -1 : names.indexOf(entityColumn);
        if (ki < 0 || metricColumn != null && mi < 0 || entityColumn != null && ei < 0) {
            throw ApiException.unprocessable("UNKNOWN_COLUMN", "no such column in the dataset");
        }
        DataKey key = keys.unwrap(new ZoneKeyStore.WrappedKey(v.zoneKeyVersion(), Base64.getDecoder().decode(v.wrappedKey())));
        byte[] aad = (d.id() + ":" + v.version()).getBytes(StandardCharsets.UTF_8);
        long rows = 0;
        try (InputStream in = key.decryptingStream(blobs.open(v.blobName()), aad);
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            List<String> fields = new ArrayList<>();
            if (!record(r, fields)) return 0; // header
            while (record(r, fields)) {
                rows++;
                if (fields.size() != names.size()) throw new IllegalStateException("stored row " + rows + " has the wrong arity");
                String k = fields.get(ki);
                if (k == null || k.isEmpty()) continue;
                Long m = null;
                if (mi >= 0 && fields.get(mi) != null) {
                    try {
                        m = Long.parseLong(fields.get(mi));
                    } catch (NumberFormatException e) {
                        throw new IllegalStateException("stored row " + rows + ": the metric is not BIGINT");
                    }
                }
                sink.accept(ei < 0 ? null : fields.get(ei), k, m);
            }
        } catch (IOException e) {
            throw new IllegalStateException("dataset blob unreadable or tampered");
        }
        return rows;
    }

    /** One record of the stored form (RFC 4180, LF, quotes only where needed, empty field = NULL). */
    static boolean record(BufferedReader r, List<String> out) throws IOException {
        out.clear();
        int c = r.read();
        if (c < 0) return false;
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        while (true) {
            if (quoted) {
                if (c < 0) throw new IOException("unterminated quote");
                if (c == '"') {
                    r.mark(1);
                    int n = r.read();
                    if (n == '"') {
                        f.append('"');
                    } else {
                        quoted = false;
                        if (n >= 0) r.reset();
                    }
                } else {
                    f.append((char) c);
                }
            } else if (c == '"' && f.isEmpty()) {
                quoted = true;
                wasQuoted = true;
            } else if (c == ',' || c == '\n' || c < 0) {
                out.add(f.isEmpty() && !wasQuoted ? null : f.toString());
                f.setLength(0);
                wasQuoted = false;
                if (c != ',') return true;
            } else if (c != '\r') {
                f.append((char) c);
            }
            c = r.read();
        }
    }

    private static JsonNode schema(DatasetVersion v) {
        try {
            return PeerCalls.JSON.readTree(v.schemaJson());
        } catch (IOException e) {
            throw new IllegalStateException("corrupt stored schema");
        }
    }
}
