package io.veil.gateway.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.ingest.PublishedStatistics;
import io.veil.gateway.keys.ZoneCommitments;
import io.veil.gateway.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

@RestController
@RequestMapping("/api/v1/datasets")
@Tag(name = "datasets", description = "Dataset registration and the catalog (metadata and synthetic previews only)")
public class DatasetController {
    static final String CATALOG_READERS = "hasAnyRole('provider','consumer','auditor','zone-admin')";
    private static final Pattern ID = Pattern.compile("[a-f0-9-]{36}");
    private final DatasetService service;
    private final DatasetStore store;
    private final PreviewService previews;
    private final CatalogStatistics statistics;
    private final ObjectMapper json;
    private final ZoneCommitments commitments;

    public DatasetController(DatasetService service, DatasetStore store, PreviewService previews, CatalogStatistics statistics,
                             ObjectMapper json, ZoneCommitments commitments) {
        this.statistics = statistics;
        this.commitments = commitments;
        this.service = service;
        this.store = store;
        this.previews = previews;
        this.json = json;
    }

    /**
     * The owner's view of what it uploaded (its exact row count is its own): {@code contentCommitment} is the
     * zone's keyed commitment to the SHA-256 of the file (ADR 0021), {@code contentOpeningKey} lets the owner check it.
     */
    public record RegisteredView(String id, int version, long rowCount, String contentCommitment, String contentOpeningKey,
                                 JsonNode schema) {}

    /**
     * One version in the catalog (ADR 0020). Only the current version has a schema, and only in a dataset's own
     * entry {@code approxEntities} (noisy distinct entities, two significant digits; absent below the
     * threshold) and {@code statistics}; older versions show number, commitment and date. {@code rowCount} and
     * {@code sizeBytes} are exact and shown to the owning organisation only.
     */
    public record VersionView(int version, String contentCommitment, Instant createdAt, JsonNode schema, Long approxEntities,
                              PublishedStatistics statistics, Long rowCount, Long sizeBytes) {}

    public record DatasetView(String id, String name, String description, List<String> tags, String license,
                              String ownerOrg, String zoneId, String zoneTier, Map<String, String> columnRoles,
                              int currentVersion, Instant createdAt, List<VersionView> versions) {}

    public record Page<T>(List<T> items, long total, int offset, int limit) {}

    @Operation(summary = "Register a dataset (multipart: 'metadata' JSON part first, then 'file' CSV or Parquet)")
    @PostMapping
    @PreAuthorize("hasRole('provider')")
    public ResponseEntity<RegisteredView> register(HttpServletRequest request) {
        DatasetService.Registered r = service.register(Caller.current(), request);
        return ResponseEntity.created(URI.create("/api/v1/datasets/" + r.dataset().id())).body(view(r.version()));
    }

    @Operation(summary = "Upload a new version of an owned dataset (multipart part 'file')")
    @PostMapping("/{id}/versions")
    @PreAuthorize("hasRole('provider')")
    public ResponseEntity<RegisteredView> addVersion(@PathVariable String id, HttpServletRequest request) {
        DatasetService.Registered r = service.addVersion(Caller.current(), checkId(id), request);
        return ResponseEntity.status(HttpStatus.CREATED).body(view(r.version()));
    }

    @Operation(summary = "Search the catalog by text and/or tag, paginated")
    @GetMapping
    @PreAuthorize(CATALOG_READERS)
    public Page<DatasetView> list(@RequestParam(required = false) String q, @RequestParam(required = false) String tag,
                                  @RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "20") int limit) {
        if (offset < 0 || limit < 1 || limit > 100) throw ApiException.badRequest("INVALID_PAGE", "offset >= 0 and 1 <= limit <= 100");
        if (q != null && q.length() > 200) throw ApiException.badRequest("INVALID_QUERY", "search text longer than 200");
        List<DatasetView> items = store.search(q, tag, offset, limit).stream().map(d -> view(d, false)).toList();
        return new Page<>(items, store.count(q, tag), offset, limit);
    }

    @Operation(summary = "Dataset metadata: schema, column roles, versions; noisy entity statistics of the current version")
    @GetMapping("/{id}")
    @PreAuthorize(CATALOG_READERS)
    public DatasetView get(@PathVariable String id) {
        return view(store.find(checkId(id)).orElseThrow(() -> ApiException.notFound("dataset")), true);
    }

    @Operation(summary = "Synthetic preview rows generated from schema and published statistics (never real rows)")
    @GetMapping("/{id}/preview")
    @PreAuthorize(CATALOG_READERS)
    public PreviewService.Preview preview(@PathVariable String id, @RequestParam(defaultValue = "20") int rows) {
        if (rows < 1 || rows > 100) throw ApiException.badRequest("INVALID_PARAMETER", "1 <= rows <= 100");
        Dataset d = store.find(checkId(id)).orElseThrow(() -> ApiException.notFound("dataset"));
        DatasetVersion v = store.version(d.id(), d.currentVersion()).orElseThrow();
        return previews.preview(v, rows);
    }

    static String checkId(String id) {
        if (!ID.matcher(id).matches()) throw ApiException.notFound("dataset");
        return id;
    }

    private RegisteredView view(DatasetVersion v) {
        return new RegisteredView(v.datasetId(), v.version(), v.rowCount(), v.contentCommitment(),
                commitments.openingKey(ZoneCommitments.Purpose.DATASET_CONTENT, ZoneCommitments.datasetVersion(v.datasetId(), v.version())),
                tree(v.schemaJson()));
    }

    private DatasetView view(Dataset d, boolean withStats) {
        boolean owner = d.ownerOrg().equals(Caller.current().org());
        List<VersionView> versions = store.versions(d.id()).stream().map(v -> {
            boolean current = v.version() == d.currentVersion();
            PublishedStatistics p = current && withStats ? statistics.published(v) : null;
            return new VersionView(v.version(), v.contentCommitment(), v.createdAt(), current ? tree(v.schemaJson()) : null,
                    p == null ? null : p.entities(), p, owner ? v.rowCount() : null, owner ? v.sizeBytes() : null);
        }).toList();
        return new DatasetView(d.id(), d.name(), d.description(), d.tags(), d.license(), d.ownerOrg(), d.zoneId(),
                d.zoneTier(), d.roles(), d.currentVersion(), d.createdAt(), versions);
    }

    private JsonNode tree(String s) {
        try {
            return json.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException("corrupt stored JSON", e);
        }
    }
}
