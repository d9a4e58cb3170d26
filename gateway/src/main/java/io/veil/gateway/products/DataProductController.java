package io.veil.gateway.products;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.config.VeilProperties;
import io.veil.gateway.datasets.Dataset;
import io.veil.gateway.datasets.DatasetStore;
import io.veil.gateway.security.Caller;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

@RestController
@RequestMapping("/api/v1/data-products")
@Tag(name = "data-products", description = "Released job outputs published by tier-1 providers as derived datasets, with lineage")
class DataProductController {
    private static final String READERS = "hasAnyRole('provider','consumer','auditor','zone-admin')";
    private static final Pattern ID = Pattern.compile("[a-f0-9-]{36}");
    private final DataProductService service;
    private final DataProductStore store;
    private final DatasetStore datasets;
    private final VeilProperties veil;

    DataProductController(DataProductService service, DataProductStore store, DatasetStore datasets, VeilProperties veil) {
        this.service = service;
        this.store = store;
        this.datasets = datasets;
        this.veil = veil;
    }

    public record DeliveryView(String zone, String state, int attempts, String lastError, Instant deliveredAt) {}

    /** {@code local}: published by this zone (with its deliveries to tier-2 peers); otherwise listed here by {@code zone}. */
    public record ProductView(String id, String datasetId, String name, String description, String ownerOrg, String zone,
                              String tier, boolean local, JsonNode lineage, String lineageDigest, Instant publishedAt,
                              Instant receivedAt, List<DeliveryView> deliveries) {}

    public record Page(List<ProductView> items, long total, int offset, int limit) {}

    @Operation(summary = "Publish a released job's output as a data product: {jobId, name, description?, tags?, license?, columnRoles?}")
    @PostMapping
    @PreAuthorize("hasRole('provider')")
    ResponseEntity<ProductView> publish(@RequestBody(required = false) byte[] body) {
        DataProductStore.Product p = service.publish(Caller.current(), body);
        return ResponseEntity.created(URI.create("/api/v1/data-products/" + p.id())).body(view(store.find(p.id()).orElseThrow()));
    }

    @Operation(summary = "Data products published here, then those tier-1 peers listed here, with lineage")
    @GetMapping
    @PreAuthorize(READERS)
    Page list(@RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "20") int limit) {
        if (offset < 0 || limit < 1 || limit > 100) throw ApiException.badRequest("INVALID_PAGE", "offset >= 0 and 1 <= limit <= 100");
        long localTotal = store.count();
        List<ProductView> items = new ArrayList<>();
        if (offset < localTotal) store.list(offset, limit).forEach(p -> items.add(view(p)));
        int remaining = limit - items.size();
        if (remaining > 0) {
            store.received((int) Math.max(0, offset - localTotal), remaining).forEach(r -> items.add(view(r)));
        }
        return new Page(items, localTotal + store.receivedCount(), offset, limit);
    }

    @Operation(summary = "One data product with its lineage (published here or listed here by a tier-1 peer)")
    @GetMapping("/{id}")
    @PreAuthorize(READERS)
    ProductView get(@PathVariable String id) {
        if (!ID.matcher(id).matches()) throw DataProductService.notFound();
        var local = store.find(id);
        if (local.isPresent()) return view(local.get());
        return store.receivedById(id).map(DataProductController::view).orElseThrow(DataProductService::notFound);
    }

    private ProductView view(DataProductStore.Product p) {
        Dataset d = datasets.find(p.id()).orElseThrow();
        List<DeliveryView> deliveries = store.deliveries(p.id()).stream()
                .map(x -> new DeliveryView(x.peerZone(), x.state(), x.attempts(), x.lastError(), x.deliveredAt())).toList();
        return new ProductView(p.id(), p.id(), d.name(), d.description(), p.ownerOrg(), veil.zone().id(), veil.zone().tier(), true,
                p.lineage().tree(), p.lineageDigest(), p.createdAt(), null, deliveries);
    }

    private static ProductView view(DataProductStore.Received r) {
        return new ProductView(r.id(), r.id(), r.name(), r.description(), r.ownerOrg(), r.zone(), r.tier(), false,
                r.lineage().tree(), r.lineageDigest(), r.publishedAt(), r.receivedAt(), null);
    }
}
