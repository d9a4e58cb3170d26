package io.veil.gateway.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.gateway.config.VeilProperties;
import io.veil.gateway.datasets.CatalogStatistics;
import io.veil.gateway.datasets.Dataset;
import io.veil.gateway.datasets.DatasetStore;
import io.veil.gateway.datasets.DatasetVersion;
import io.veil.gateway.datasets.PreviewService;
import io.veil.gateway.ingest.PublishedStatistics;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * This zone's catalog as its peers see it. Built only from catalog metadata, the current version's
 * published statistics — under this zone's strictest k, at export time (ADR 0020) — and
 * {@link PreviewService} (which never opens a blob), so no cell value and no exact count can cross
 * the zone boundary through it (invariant 1).
 */
@Component
public class CatalogExport {
    public static final int MAX_PAGE = 100;
    private final DatasetStore store;
    private final PreviewService previews;
    private final CatalogStatistics statistics;
    private final VeilProperties veil;
    private final FederationProperties fed;
    private final ObjectMapper json;

    public CatalogExport(DatasetStore store, PreviewService previews, CatalogStatistics statistics, VeilProperties veil,
                         FederationProperties fed, ObjectMapper json) {
        this.statistics = statistics;
        this.store = store;
        this.previews = previews;
        this.veil = veil;
        this.fed = fed;
        this.json = json;
    }

    public CatalogEntry.Page page(int offset, int limit) {
        List<CatalogEntry> items = store.search(null, null, offset, limit).stream()
                .filter(d -> veil.zone().id().equals(d.zoneId()))
                .map(this::entry).toList();
        return new CatalogEntry.Page(veil.zone().id(), veil.zone().tier(), items, store.count(null, null), offset, limit);
    }

    /** One of this zone's datasets as its peers see it (a data product's catalog entry, pushed to tier-2 peers). */
    public java.util.Optional<CatalogEntry> entry(String datasetId) {
        return store.find(datasetId).filter(d -> veil.zone().id().equals(d.zoneId())).map(this::entry);
    }

    private CatalogEntry entry(Dataset d) {
        DatasetVersion v = store.version(d.id(), d.currentVersion()).orElseThrow();
        PublishedStatistics published = statistics.published(v);
        PreviewService.Preview p = previews.preview(v, published, Math.max(1, Math.min(fed.previewRows(), MAX_PAGE)));
        return new CatalogEntry(d.id(), d.name(), d.description(), d.tags(), d.license(), d.ownerOrg(), d.zoneId(),
                d.zoneTier(), d.roles(), d.currentVersion(), d.createdAt(), v.contentCommitment(), published.entities(),
                tree(v.schemaJson()), json.valueToTree(published), new CatalogEntry.Preview(true, p.columns(), p.rows()));
    }

    private JsonNode tree(String s) {
        try {
            return json.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException("corrupt stored JSON");
        }
    }
}
