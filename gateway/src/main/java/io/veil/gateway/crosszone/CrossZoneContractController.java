package io.veil.gateway.crosszone;

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
import java.util.List;
import java.util.regex.Pattern;

/** Consumer endpoints for contracts with a provider in a peer zone (docs/cross-zone.md). */
@RestController
@RequestMapping("/api/v1/federation/contracts")
@Tag(name = "cross-zone contracts", description = "Contracts on offers of a peer zone, negotiated through the zone-to-zone API")
class CrossZoneContractController {
    static final Pattern ID = Pattern.compile("[a-f0-9-]{36}");
    static final Pattern ZONE = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private final ConsumerSideContracts contracts;

    CrossZoneContractController(ConsumerSideContracts contracts) {
        this.contracts = contracts;
    }

    record Page(List<RemoteContractStore.Held> items, long total, int offset, int limit) {}

    @Operation(summary = "Request a contract on a peer zone's offer: {\"zone\", \"offerId\", \"purpose\"}")
    @PostMapping
    @PreAuthorize("hasRole('consumer')")
    ResponseEntity<RemoteContractStore.Held> request(@RequestBody(required = false) JsonNode body) {
        if (body == null || !body.isObject()) throw ApiException.badRequest("MALFORMED_JSON", "body must be a JSON object");
        RemoteContractStore.Held h = contracts.request(Caller.current(), body);
        return ResponseEntity.created(URI.create("/api/v1/federation/contracts/" + h.providerZone() + "/" + h.id())).body(h);
    }

    @Operation(summary = "The caller's contracts held in peer zones (states refreshed from the provider zones)")
    @GetMapping
    @PreAuthorize("hasRole('consumer')")
    Page list(@RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "20") int limit) {
        if (offset < 0 || limit < 1 || limit > 100) throw ApiException.badRequest("INVALID_PAGE", "offset >= 0 and 1 <= limit <= 100");
        Caller c = Caller.current();
        return new Page(contracts.list(c, offset, limit), contracts.count(c), offset, limit);
    }

    @Operation(summary = "One cross-zone contract, refreshed from its provider zone")
    @GetMapping("/{zone}/{id}")
    @PreAuthorize("hasRole('consumer')")
    RemoteContractStore.Held get(@PathVariable String zone, @PathVariable String id) {
        check(zone, id);
        return contracts.get(Caller.current(), zone, id);
    }

    @Operation(summary = "Revoke a cross-zone contract (consumer side); the provider zone records the revocation")
    @PostMapping("/{zone}/{id}/revoke")
    @PreAuthorize("hasRole('consumer')")
    RemoteContractStore.Held revoke(@PathVariable String zone, @PathVariable String id) {
        check(zone, id);
        return contracts.revoke(Caller.current(), zone, id);
    }

    static void check(String zone, String id) {
        if (!ZONE.matcher(zone).matches() || !ID.matcher(id).matches()) throw ApiException.notFound("contract");
    }
}
