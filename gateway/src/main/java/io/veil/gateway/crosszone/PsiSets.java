package io.veil.gateway.crosszone;

import io.veil.crypto.ZoneKeyStore;
import io.veil.crypto.psi.PsiEntry;
import io.veil.gateway.jobs.Job;
import org.springframework.stereotype.Component;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A dataset's PSI input under differential privacy, as {@link PsiRelease}'s sensitivities assume: each
 * entity keeps at most m rows, chosen uniformly and independently per entity (as the SQL path's
 * {@code row_number() OVER (PARTITION BY entity ORDER BY random()) <= m}; rows with a NULL entity form
 * one entity); keys are distinct; for PSI_SUM each value and each key's exact total are clamped. Reading
 * is total: nothing about the values can make it fail — keys too long for the protocol are replaced by
 * 0xFF ‖ hash (0xFF never occurs in UTF-8, so no other key can collide with one; both zones map alike),
 * totals are exact however large. What remains are corruption and I/O failures, which say nothing about
 * a person. Whether the dataset can be read at all is decided beforehand from what is public
 * ({@link #refusal}).
 */
@Component
class PsiSets {
    /** The protocol's set-size limit (PsiInputs.MAX_SET_SIZE), checked on the row count before reading. */
    static final long MAX_ROWS = 1L << 24;
    private static final int MAX_KEY_BYTES = 1024;
    private final DatasetColumns columns;
    private final ZoneKeyStore keys;
    private final SecureRandom random = new SecureRandom();

    PsiSets(DatasetColumns columns, ZoneKeyStore keys) {
        this.columns = columns;
        this.keys = keys;
    }

    /** Distinct keys (COUNT, and the initiator) or per-key totals (SUM), and how many rows were scanned. */
    record Read(List<byte[]> keys, List<PsiEntry> entries, long rowsScanned) {}

    /** Why the dataset cannot be a DP PSI input, decided without reading it; empty when it can. */
    Optional<Job.Reason> refusal(String datasetId) {
        DatasetColumns.Shape s = columns.shape(datasetId);
        if (s.entityColumn() == null) {
            return Optional.of(new Job.Reason("DP_ENTITY_MISSING", "differential privacy needs an ENTITY_ID column to bound"
                    + " each entity's contribution; the dataset has none"));
        }
        if (s.rowCount() > MAX_ROWS) {
            return Optional.of(new Job.Reason("PSI_SET_TOO_LARGE", "PSI takes datasets of at most " + MAX_ROWS + " rows"));
        }
        return Optional.empty();
    }

    Read keys(String datasetId, String joinKey, long maxRowsPerEntity) {
        DatasetColumns.Shape s = columns.shape(datasetId);
        Set<ByteBuffer> distinct = new LinkedHashSet<>();
        // With the key being the entity, or one row per entity, bounding rows cannot change which keys exist.
        boolean bound = !s.oneRowPerEntity() && !joinKey.equals(s.entityColumn());
        long rows = read(datasetId, joinKey, null, s, bound, maxRowsPerEntity, (k, v) -> distinct.add(ByteBuffer.wrap(key(k))));
        List<byte[]> out = new ArrayList<>(distinct.size());
        distinct.forEach(b -> out.add(b.array()));
        return new Read(out, null, rows);
    }

    /** Per-key totals of {@code metric} (NULLs contribute nothing; a key with no value is left out). */
    Read entries(String datasetId, String joinKey, String metric, long maxRowsPerEntity, PsiRelease.Clamp clamp) {
        DatasetColumns.Shape s = columns.shape(datasetId);
        Map<ByteBuffer, Total> totals = new LinkedHashMap<>();
        long rows = read(datasetId, joinKey, metric, s, !s.oneRowPerEntity(), maxRowsPerEntity, (k, v) -> {
            if (v != null) totals.computeIfAbsent(ByteBuffer.wrap(key(k)), x -> new Total()).add(clamp.apply(v));
        });
        List<PsiEntry> out = new ArrayList<>(totals.size());
        totals.forEach((k, t) -> out.add(new PsiEntry(k.array(), t.clamped(clamp))));
        return new Read(null, out, rows);
    }

    private interface KeyValue {
        void accept(String key, Long value);
    }

    private record Row(String key, Long value) {}

    /** Reservoir of at most m rows of one entity. */
    private static final class Reservoir {
        final List<Row> rows = new ArrayList<>(1);
        long seen;
    }

    private long read(String datasetId, String joinKey, String metric, DatasetColumns.Shape s, boolean bound, long m, KeyValue sink) {
        if (!bound) return columns.scan(datasetId, joinKey, metric, null, (e, k, v) -> sink.accept(k, v));
        Map<String, Reservoir> byEntity = new HashMap<>();
        long rows = columns.scan(datasetId, joinKey, metric, s.entityColumn(), (e, k, v) -> {
            Reservoir r = byEntity.computeIfAbsent(e, x -> new Reservoir());
            r.seen++;
            if (r.rows.size() < m) {
                r.rows.add(new Row(k, v));
            } else {
                long j = random.nextLong(r.seen);
                if (j < m) r.rows.set((int) j, new Row(k, v));
            }
        });
        byEntity.values().forEach(r -> r.rows.forEach(row -> sink.accept(row.key(), row.value())));
        return rows;
    }

    /** The protocol's key bytes: UTF-8, or 0xFF ‖ hash when longer than the protocol takes. */
    byte[] key(String k) {
        byte[] b = k.getBytes(StandardCharsets.UTF_8);
        if (b.length <= MAX_KEY_BYTES) return b;
        byte[] h = keys.suite().hash(b);
        byte[] out = new byte[h.length + 1];
        out[0] = (byte) 0xFF;
        System.arraycopy(h, 0, out, 1, h.length);
        return out;
    }

    /** An exact total: a long until it would overflow, then a BigInteger. */
    private static final class Total {
        long small;
        BigInteger big;

        void add(long v) {
            if (big == null) {
                long s = small + v;
                if (((small ^ s) & (v ^ s)) >= 0) {
                    small = s;
                    return;
                }
                big = BigInteger.valueOf(small);
            }
            big = big.add(BigInteger.valueOf(v));
        }

        long clamped(PsiRelease.Clamp c) {
            if (big == null) return c.apply(small);
            if (big.bitLength() < 64) return c.apply(big.longValue());
            return c.apply(big.signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE);
        }
    }
}
