package io.veil.gateway.offers;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veil.gateway.api.ApiException;
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
import java.util.List;
import java.util.regex.Pattern;

@RestController
@RequestMapping("/api/v1/offers")
@Tag(name = "offers", description = "Machine-readable usage terms for datasets (docs/offers.md)")
class OfferController {
    static final String ANY_ROLE = "hasAnyRole('provider','consumer','auditor','zone-admin')";
    private static final Pattern ID = Pattern.compile("[a-f0-9-]{36}");
    private static final Pattern NAME = Pattern.compile("[^\\p{Cntrl}\\s][^\\p{Cntrl}]{0,62}[^\\p{Cntrl}\\s]|[^\\p{Cntrl}\\s]");
    private final OfferService offers;

    OfferController(OfferService offers) {
        this.offers = offers;
    }

    public record OfferView(String id, String providerOrg, String digest, Instant createdAt, JsonNode terms) {}

    public record Page(List<OfferView> items, long total, int offset, int limit) {}

    @Operation(summary = "Publish an offer over datasets the caller's organisation owns")
    @PostMapping(consumes = "application/json")
    @PreAuthorize("hasRole('provider')")
    public ResponseEntity<OfferView> publish(@RequestBody(required = false) String body) {
        OfferService.StoredOffer o = offers.publish(Caller.current(), body);
        return ResponseEntity.created(URI.create("/api/v1/offers/" + o.id())).body(view(o));
    }

    @Operation(summary = "List offers, newest first, optionally only those covering a dataset")
    @GetMapping
    @PreAuthorize(ANY_ROLE)
    public Page list(@RequestParam(required = false) String datasetId, @RequestParam(defaultValue = "0") int offset,
                     @RequestParam(defaultValue = "20") int limit) {
        if (offset < 0 || limit < 1 || limit > 100) throw ApiException.badRequest("INVALID_PAGE", "offset >= 0 and 1 <= limit <= 100");
        if (datasetId != null && !NAME.matcher(datasetId).matches()) {
            throw ApiException.badRequest("INVALID_PARAMETER", "datasetId is not a valid dataset id");
        }
        return new Page(offers.list(datasetId, offset, limit).stream().map(OfferController::view).toList(),
                offers.count(datasetId), offset, limit);
    }

    @Operation(summary = "One offer with its normalised terms and digest")
    @GetMapping("/{id}")
    @PreAuthorize(ANY_ROLE)
    public OfferView get(@PathVariable String id) {
        if (!ID.matcher(id).matches()) throw ApiException.notFound("offer");
        return view(offers.find(id).orElseThrow(() -> ApiException.notFound("offer")));
    }

    static OfferView view(OfferService.StoredOffer o) {
        return new OfferView(o.id(), o.providerOrg(), o.digest(), o.createdAt(), OfferService.tree(o));
    }
}
