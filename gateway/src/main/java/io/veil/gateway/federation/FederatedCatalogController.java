package io.veil.gateway.federation;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.config.VeilProperties;
import io.veil.gateway.datasets.Dataset;
import io.veil.gateway.datasets.DatasetStore;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The federated catalog for this zone's users: its own datasets and those fetched from peer zones,
 * each labelled with zone and tier. Remote entries are served from the stored copy — the peer is
 * never asked on a user's behalf, and no remote row exists here to leak.
 */
@RestController
@RequestMapping("/api/v1/federation")
@Tag(name = "federation", description = "Federated catalog across zones (metadata and synthetic previews only)")
class FederatedCatalogController {
    private static final String CATALOG_READERS = "hasAnyRole('provider','consumer','auditor','zone-admin')";
    private static final Pattern ID = Pattern.compile("[a-f0-9-]{36}");
    private final DatasetStore local;
    private final RemoteCatalogStore remote;
    private final CatalogSync sync;
    private final ZoneDirectory directory;
    private final ZoneMembership membership;
    private final VeilProperties veil;
    private final DataProductLabels products;

    FederatedCatalogController(DatasetStore local, RemoteCatalogStore remote, CatalogSync sync, ZoneDirectory directory,
                               ZoneMembership membership, VeilProperties veil, DataProductLabels products) {
        this.products = products;
        this.local = local;
        this.remote = remote;
        this.sync = sync;
        this.directory = directory;
        this.membership = membership;
        this.veil = veil;
    }

    /**
     * A catalog item; {@code local} is false for a dataset held by a peer zone ({@code fetchedAt} says when it was fetched);
     * {@code dataProduct} is set for a data product (origin tier and lineage), absent otherwise.
     */
    public record FederatedDataset(String id, String name, String description, List<String> tags, String license,
                                   String ownerOrg, String zone, String tier, boolean local, Map<String, String> columnRoles,
                                   int currentVersion, Instant createdAt, Instant fetchedAt, DataProductLabels.Label dataProduct) {}

    /** A peer's entry as fetched: {@code approxEntities} and {@code statistics} are what that zone published (ADR 0020). */
    public record RemoteDetail(FederatedDataset dataset, String contentCommitment, Long approxEntities, JsonNode schema, JsonNode statistics) {}

    public record Page(List<FederatedDataset> items, long total, int offset, int limit) {}

    public record Preview(String datasetId, String zone, int version, boolean synthetic, List<String> columns,
                          List<Map<String, Object>> rows) {}

    public record PeerView(String zone, String tier, String url, String keyDigest, boolean joined, Instant firstSeenAt,
                           String lastSyncStatus, Instant lastSyncAt, Integer datasets) {}

    @Operation(summary = "Search this zone's and its peers' catalogs (local first, then by zone); filter by zone id")
    @GetMapping("/datasets")
    @PreAuthorize(CATALOG_READERS)
    Page list(@RequestParam(required = false) String q, @RequestParam(required = false) String tag,
              @RequestParam(required = false) String zone,
              @RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "20") int limit) {
        if (offset < 0 || limit < 1 || limit > 100) throw ApiException.badRequest("INVALID_PAGE", "offset >= 0 and 1 <= limit <= 100");
        if (q != null && q.length() > 200) throw ApiException.badRequest("INVALID_QUERY", "search text longer than 200");
        if (zone != null && !ZoneRequests.ZONE_ID.matcher(zone).matches()) throw ApiException.badRequest("INVALID_PARAMETER", "zone is not a zone id");
        boolean self = zone == null || zone.equals(veil.zone().id());
        boolean others = zone == null || !zone.equals(veil.zone().id());
        long localTotal = self ? local.count(q, tag) : 0;
        String remoteZone = zone;
        long remoteTotal = others ? remote.count(q, tag, remoteZone) : 0;
        List<FederatedDataset> items = new ArrayList<>();
        if (offset < localTotal) {
            for (Dataset d : local.search(q, tag, offset, limit)) items.add(view(d));
        }
        int remaining = limit - items.size();
        if (others && remaining > 0) {
            long remoteOffset = Math.max(0, offset - localTotal);
            for (RemoteCatalogStore.RemoteDataset r : remote.search(q, tag, remoteZone, (int) remoteOffset, remaining)) items.add(view(r));
        }
        return new Page(items, localTotal + remoteTotal, offset, limit);
    }

    @Operation(summary = "A peer zone's dataset: metadata, schema, column roles and its published statistics as last fetched")
    @GetMapping("/datasets/{zone}/{id}")
    @PreAuthorize(CATALOG_READERS)
    RemoteDetail get(@PathVariable String zone, @PathVariable String id) {
        RemoteCatalogStore.RemoteDataset r = find(zone, id);
        CatalogEntry e = r.entry();
        return new RemoteDetail(view(r), e.contentCommitment(), e.approxEntities(), e.schema(), e.statistics());
    }

    @Operation(summary = "Synthetic preview of a peer zone's dataset, from the fetched copy (never real rows)")
    @GetMapping("/datasets/{zone}/{id}/preview")
    @PreAuthorize(CATALOG_READERS)
    Preview preview(@PathVariable String zone, @PathVariable String id, @RequestParam(defaultValue = "20") int rows) {
        if (rows < 1 || rows > 100) throw ApiException.badRequest("INVALID_PARAMETER", "1 <= rows <= 100");
        CatalogEntry e = find(zone, id).entry();
        List<Map<String, Object>> out = e.preview().rows().subList(0, Math.min(rows, e.preview().rows().size()));
        return new Preview(e.id(), e.zone(), e.currentVersion(), true, e.preview().columns(), out);
    }

    @Operation(summary = "Peer zones: configured trust, first contact, last catalog sync")
    @GetMapping("/peers")
    @PreAuthorize("hasAnyRole('zone-admin','auditor')")
    List<PeerView> peers() {
        Map<String, ZoneMembership.PeerStatus> seen = new java.util.HashMap<>();
        for (ZoneMembership.PeerStatus s : membership.all()) seen.put(s.zone(), s);
        Map<String, CatalogSync.Outcome> outcomes = sync.lastOutcomes();
        List<PeerView> out = new ArrayList<>();
        for (TrustedZone z : directory.trustedPeers()) {
            ZoneMembership.PeerStatus s = seen.get(z.zoneId());
            CatalogSync.Outcome o = outcomes.get(z.zoneId());
            out.add(new PeerView(z.zoneId(), z.tier(), z.url().toString(), z.keyDigest(), s != null,
                    s == null ? null : s.firstSeenAt(),
                    o != null ? o.status() : s == null ? null : s.lastSyncStatus(),
                    o != null ? o.at() : s == null ? null : s.lastSyncAt(),
                    o != null ? o.datasets() : s == null ? null : s.datasetCount()));
        }
        return out;
    }

    @Operation(summary = "Fetch every peer's catalog now")
    @PostMapping("/sync")
    @PreAuthorize("hasRole('zone-admin')")
    List<CatalogSync.Outcome> syncNow() {
        return sync.syncAll();
    }

    private RemoteCatalogStore.RemoteDataset find(String zone, String id) {
        if (!ZoneRequests.ZONE_ID.matcher(zone).matches() || !ID.matcher(id).matches()) throw ApiException.notFound("dataset");
        return remote.find(zone, id).orElseThrow(() -> ApiException.notFound("dataset"));
    }

    private FederatedDataset view(Dataset d) {
        return new FederatedDataset(d.id(), d.name(), d.description(), d.tags(), d.license(), d.ownerOrg(), d.zoneId(),
                d.zoneTier(), true, d.roles(), d.currentVersion(), d.createdAt(), null, products.label(d.zoneId(), d.id()));
    }

    private FederatedDataset view(RemoteCatalogStore.RemoteDataset r) {
        CatalogEntry e = r.entry();
        return new FederatedDataset(e.id(), e.name(), e.description(), e.tags(), e.license(), e.ownerOrg(), r.zone(), r.tier(),
                false, e.columnRoles(), e.currentVersion(), e.createdAt(), r.fetchedAt(), products.label(r.zone(), e.id()));
    }
}
