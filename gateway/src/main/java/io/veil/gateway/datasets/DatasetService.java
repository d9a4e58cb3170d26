package io.veil.gateway.datasets;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.crypto.DataKey;
import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.config.VeilProperties;
import io.veil.gateway.keys.ZoneCommitments;
import io.veil.gateway.ingest.CsvIngest;
import io.veil.gateway.ingest.IngestException;
import io.veil.gateway.ingest.IngestLimits;
import io.veil.gateway.ingest.IngestResult;
import io.veil.gateway.ingest.JobCopy;
import io.veil.gateway.ingest.ParquetIngest;
import io.veil.gateway.ingest.RamSpool;
import io.veil.gateway.ingest.UploadFormat;
import io.veil.gateway.ledger.LedgerOutbox;
import io.veil.gateway.security.Caller;
import io.veil.sandbox.privacy.SecureNoise;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Registers datasets and versions: streams the upload through the ingest parser straight into an
 * encrypting blob writer (plaintext never reaches disk), then commits metadata and the ledger
 * event in one transaction. Any failure deletes the blob; the data key dies with it (it is only
 * ever persisted wrapped, inside the metadata row).
 */
@Service
public class DatasetService {
    private static final Pattern FILE_NAME = Pattern.compile("[^/\\\\\\p{Cntrl}]{1,255}");
    private final DatasetStore store;
    private final BlobStore blobs;
    private final ZoneKeyStore keys;
    private final LedgerOutbox outbox;
    private final TransactionTemplate tx;
    private final VeilProperties props;
    private final ObjectMapper json;
    private final ZoneCommitments commitments;
    private final RamSpool spool;
    private final SecureNoise noise = new SecureNoise();

    public DatasetService(DatasetStore store, BlobStore blobs, ZoneKeyStore keys, LedgerOutbox outbox,
                          TransactionTemplate tx, VeilProperties props, ObjectMapper json, ZoneCommitments commitments,
                          RamSpool spool) {
        this.commitments = commitments;
        this.spool = spool;
        this.store = store;
        this.blobs = blobs;
        this.keys = keys;
        this.outbox = outbox;
        this.tx = tx;
        this.props = props;
        this.json = json;
    }

    public record Registered(Dataset dataset, DatasetVersion version) {}

    public Registered register(Caller caller, HttpServletRequest request) {
        MultipartUpload upload = MultipartUpload.of(request);
        FileItemInput first = upload.next();
        if (first == null || !"metadata".equals(first.getFieldName())) {
            throw ApiException.badRequest("MULTIPART_MISSING_PART",
                    "the first part must be 'metadata' (JSON), followed by 'file'");
        }
        DatasetMetadata meta = DatasetMetadata.parse(MultipartUpload.readBounded(first, props.upload().maxMetadataBytes(), "METADATA_TOO_LARGE"));
        FileItemInput file = upload.next();
        if (file == null || !"file".equals(file.getFieldName())) {
            throw ApiException.badRequest("MULTIPART_MISSING_PART", "a 'file' part (CSV or Parquet) is required");
        }
        try (InputStream in = file.getInputStream()) {
            return register(caller, meta, file.getName(), file.getContentType(), in, upload::assertNoMoreParts);
        } catch (IOException e) {
            throw ApiException.badRequest("UPLOAD_TRUNCATED", "the upload ended before it was complete");
        }
    }

    /** Registration from an already-parsed metadata object and a data stream (also used by the demo seeder). */
    public Registered register(Caller caller, DatasetMetadata meta, String fileName, String contentType, InputStream data,
                               Runnable afterData) {
        return register(caller, meta, fileName, contentType, data, afterData, r -> {});
    }

    /**
     * As above; {@code sameTransaction} runs inside the transaction that inserts the dataset and
     * records DatasetRegistered (e.g. a data product's row and its DataProductPublished event), so
     * both commit or neither does.
     */
    public Registered register(Caller caller, DatasetMetadata meta, String fileName, String contentType, InputStream data,
                               Runnable afterData, java.util.function.Consumer<Registered> sameTransaction) {
        if (store.findByOwnerAndName(caller.org(), meta.name()).isPresent()) {
            throw ApiException.conflict("DATASET_NAME_TAKEN", "your organisation already has a dataset named " + meta.name());
        }
        String id = UUID.randomUUID().toString();
        Stored s = ingest(data, fileName, contentType, id, 1, meta.columns(), afterData);
        Dataset d = new Dataset(id, meta.name(), meta.description(), meta.tags(), meta.license(), caller.org(),
                props.zone().id(), props.zone().tier(), meta.columns(), 1, Instant.now());
        try {
            boolean inserted = Boolean.TRUE.equals(tx.execute(st -> {
                if (!store.insert(d, s.version())) return false;
                outbox.record("DatasetRegistered", Map.of("dataset", id, "org", caller.org()), versionAttrs(s.version()));
                sameTransaction.accept(new Registered(d, s.version()));
                return true;
            }));
            if (!inserted) {
                throw ApiException.conflict("DATASET_NAME_TAKEN", "your organisation already has a dataset named " + meta.name());
            }
        } catch (RuntimeException e) {
            deleteBlobs(s.version());
            throw e;
        }
        return new Registered(d, s.version());
    }

    public Registered addVersion(Caller caller, String datasetId, HttpServletRequest request) {
        Dataset d = store.find(datasetId).orElseThrow(() -> ApiException.notFound("dataset"));
        if (!d.ownerOrg().equals(caller.org())) {
            throw ApiException.forbidden("NOT_DATASET_OWNER", "only the owning organisation may add versions");
        }
        MultipartUpload upload = MultipartUpload.of(request);
        FileItemInput file = upload.next();
        if (file == null || !"file".equals(file.getFieldName())) {
            throw ApiException.badRequest("MULTIPART_MISSING_PART", "a 'file' part (CSV or Parquet) is required");
        }
        int next = d.currentVersion() + 1;
        Stored s;
        try (InputStream in = file.getInputStream()) {
            s = ingest(in, file.getName(), file.getContentType(), datasetId, next, new LinkedHashMap<>(d.roles()),
                    upload::assertNoMoreParts);
        } catch (IOException e) {
            throw ApiException.badRequest("UPLOAD_TRUNCATED", "the upload ended before it was complete");
        }
        try {
            boolean added = Boolean.TRUE.equals(tx.execute(st -> {
                if (!store.addVersion(s.version())) return false;
                outbox.record("DatasetVersionAdded", Map.of("dataset", datasetId, "org", caller.org()), versionAttrs(s.version()));
                return true;
            }));
            if (!added) throw ApiException.conflict("VERSION_CONFLICT", "another version was added concurrently; retry");
        } catch (RuntimeException e) {
            deleteBlobs(s.version());
            throw e;
        }
        return new Registered(store.find(datasetId).orElseThrow(), s.version());
    }

    private record Stored(DatasetVersion version) {}

    private void deleteBlobs(DatasetVersion v) {
        blobs.delete(v.blobName());
        if (v.copyBlobName() != null) blobs.delete(v.copyBlobName());
    }

    /** Ingests + encrypts the data stream into a committed blob. Cleans up on any failure. */
    private Stored ingest(InputStream data, String fileName, String contentType, String datasetId, int version,
                          Map<String, String> roles, Runnable afterData) {
        if (fileName != null && (!FILE_NAME.matcher(fileName).matches() || fileName.contains(".."))) {
            throw ApiException.badRequest("FILE_NAME_INVALID", "file name contains path separators or control characters");
        }
        DataKey dataKey = DataKey.generate(keys.suite());
        String blobName = BlobStore.blobName(datasetId, version);
        byte[] aad = (datasetId + ":" + version).getBytes(StandardCharsets.UTF_8);
        BlobStore.Pending pending;
        try {
            pending = blobs.create();
        } catch (IOException e) {
            throw new ApiException(HttpStatus.INSUFFICIENT_STORAGE, "STORAGE_UNAVAILABLE", "cannot store the upload");
        }
        IngestResult result;
        JobCopy.Converted converted;
        String copyName;
        try (JobCopy copy = JobCopy.start(spool, props.upload().copySpoolMaxBytes(), JobCopy.Format.of(props.upload().jobCopyFormat()));
             InputStream raw = new BufferedInputStream(data, 1 << 16)) {
            raw.mark(8);
            byte[] head = raw.readNBytes(4);
            raw.reset();
            UploadFormat format = UploadFormat.detect(fileName, contentType, head);
            IngestLimits limits = IngestLimits.defaults().withMaxBytes(props.upload().maxBytes());
            // Parsing on this thread, encryption on another: two cores per upload (docs/benchmarks.md).
            try (OutputStream enc = new PipelinedOutputStream(dataKey.encryptingStream(pending.out(), aad))) {
                OutputStream sink = copy.tee(enc);
                result = format == UploadFormat.PARQUET
                        ? ParquetIngest.ingest(raw, roles, limits, sink, spool)
                        : CsvIngest.ingest(raw, roles, limits, sink);
            }
            afterData.run();
            blobs.commit(pending, blobName);
            converted = storeCopy(copy, result, dataKey, datasetId, version);
            copyName = converted == null ? null : BlobStore.copyBlobName(datasetId, version, copy.format());
        } catch (IngestException e) {
            pending.discard();
            throw new ApiException(statusOf(e.code()), e.code(), e.getMessage());
        } catch (ApiException e) {
            pending.discard();
            throw e;
        } catch (IOException e) {
            pending.discard();
            throw ApiException.badRequest("UPLOAD_TRUNCATED", "the upload ended before it was complete");
        } catch (RuntimeException e) {
            pending.discard();
            throw e;
        }
        long size;
        ZoneKeyStore.WrappedKey wrapped;
        try {
            wrapped = keys.wrap(dataKey);
            size = blobs.size(blobName);
        } catch (IOException e) {
            deleteBlobs(blobName, copyName);
            throw new ApiException(HttpStatus.INSUFFICIENT_STORAGE, "STORAGE_UNAVAILABLE", "cannot store the upload");
        } catch (RuntimeException e) {
            deleteBlobs(blobName, copyName);
            throw e;
        }
        try {
            // The catalog's noise is drawn here, once per version, and only the noisy counts are stored (ADR 0020).
            boolean oneRowPerEntity = converted != null && converted.uniqueEntityColumn() != null;
            var statistics = result.counts().noised(oneRowPerEntity, props.catalog().minEntities(), noise);
            DatasetVersion v = new DatasetVersion(datasetId, version, contentCommitment(datasetId, version, result.sha256Hex()),
                    result.rowCount(), size,
                    json.writeValueAsString(result.schema()), json.writeValueAsString(statistics), blobName,
                    Base64.getEncoder().encodeToString(wrapped.ciphertext()), wrapped.zoneKeyVersion(), Instant.now(),
                    copyName, converted == null ? null : converted.uniqueEntityColumn(), result.counts().columnsWithoutNulls());
            return new Stored(v);
        } catch (Exception e) {
            deleteBlobs(blobName, copyName);
            throw new IllegalStateException("cannot serialise schema", e);
        }
    }

    /**
     * The keyed commitment to the upload's SHA-256 fingerprint (computed by the ingest, never stored or
     * shown): a plain hash of the file would confirm a guessed file to every catalog reader (ADR 0021).
     */
    private String contentCommitment(String datasetId, int version, String sha256Hex) {
        return commitments.commit(ZoneCommitments.Purpose.DATASET_CONTENT, ZoneCommitments.datasetVersion(datasetId, version),
                HexFormat.of().parseHex(sha256Hex));
    }

    private void deleteBlobs(String csvBlob, String copyBlob) {
        blobs.delete(csvBlob);
        if (copyBlob != null) blobs.delete(copyBlob);
    }

    /**
     * Stores the version's encrypted job copy (ADR 0015, 0019) under the same data key, with its own
     * associated data so no blob can stand in for another. Null, with nothing left behind, when no copy
     * could be made: the version is then CSV only, as versions stored before were.
     */
    private JobCopy.Converted storeCopy(JobCopy copy, IngestResult result, DataKey dataKey, String datasetId, int version) {
        BlobStore.Pending p;
        try {
            p = blobs.create();
        } catch (IOException e) {
            return null;
        }
        try {
            var converted = copy.convert(result.schema(), dataKey, copyAad(datasetId, version, copy.format()), p.out());
            if (converted.isEmpty()) {
                p.discard();
                return null;
            }
            blobs.commit(p, BlobStore.copyBlobName(datasetId, version, copy.format()));
            return converted.get();
        } catch (IOException | RuntimeException e) {
            p.discard();
            return null;
        }
    }

    /** Associated data of a version's job copy ({@code "<datasetId>:<version>:<format>"}); the CSV blob's is {@code "<datasetId>:<version>"}. */
    public static byte[] copyAad(String datasetId, int version, JobCopy.Format format) {
        return (datasetId + ":" + version + ":" + format.id()).getBytes(StandardCharsets.UTF_8);
    }

    private static HttpStatus statusOf(String code) {
        return switch (code) {
            case "UPLOAD_TOO_LARGE" -> HttpStatus.PAYLOAD_TOO_LARGE;
            case "UNSUPPORTED_FORMAT", "PARQUET_UNSUPPORTED_HERE" -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
            case "UPLOAD_TRUNCATED", "COLUMN_ROLE_MISSING", "COLUMN_ROLE_UNKNOWN", "ROLE_FOR_UNKNOWN_COLUMN" -> HttpStatus.BAD_REQUEST;
            default -> HttpStatus.UNPROCESSABLE_ENTITY;
        };
    }

    private static Map<String, Object> versionAttrs(DatasetVersion v) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("version", v.version());
        a.put("contentCommitment", v.contentCommitment());
        a.put("rowCount", v.rowCount());
        a.put("zoneKeyVersion", v.zoneKeyVersion());
        return a;
    }
}
