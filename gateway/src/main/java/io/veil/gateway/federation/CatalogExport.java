package io.veil.gateway.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.gateway.config.VeilProperties;
import io.veil.gateway.datasets.Dataset;
import io.veil.gateway.datasets.DatasetStore;
import io.veil.gateway.datasets.DatasetVersion;
import io.veil.gateway.datasets.PreviewService;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * This zone's catalog as its peers see it. Built only from catalog metadata, the stored safe
 * statistics and {@link PreviewService} (which never opens a blob), so no cell value can cross
 * the zone boundary through it (invariant 1).
 */
@Component
public class CatalogExport {
    public static final int MAX_PAGE = 100;
    private final DatasetStore store;
    private final PreviewService previews;
    private final VeilProperties veil;
    private final FederationProperties fed;
    private final ObjectMapper json;

    public CatalogExport(DatasetStore store, PreviewService previews, VeilProperties veil, FederationProperties fed, ObjectMapper json) {
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
        PreviewService.Preview p = previews.preview(v, Math.max(1, Math.min(fed.previewRows(), MAX_PAGE)));
        return new CatalogEntry(d.id(), d.name(), d.description(), d.tags(), d.license(), d.ownerOrg(), d.zoneId(),
                d.zoneTier(), d.roles(), d.currentVersion(), d.createdAt(), v.contentCommitment(), v.rowCount(),
                tree(v.schemaJson()), tree(v.statsJson()), new CatalogEntry.Preview(true, p.columns(), p.rows()));
    }

    private JsonNode tree(String s) {
        try {
            return json.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException("corrupt stored JSON");
        }
    }
}
