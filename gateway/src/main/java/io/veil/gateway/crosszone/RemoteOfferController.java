package io.veil.gateway.crosszone;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veil.gateway.api.ApiException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A peer zone's offers, so a consumer can find what to request a cross-zone contract on. */
@RestController
@RequestMapping("/api/v1/federation/offers")
@Tag(name = "cross-zone contracts", description = "Contracts on offers of a peer zone, negotiated through the zone-to-zone API")
class RemoteOfferController {
    private final ConsumerSideContracts contracts;

    RemoteOfferController(ConsumerSideContracts contracts) {
        this.contracts = contracts;
    }

    @Operation(summary = "A peer zone's offers (usage terms), fetched from it now; optionally for one of its datasets")
    @GetMapping
    @PreAuthorize("hasAnyRole('provider','consumer','auditor','zone-admin')")
    JsonNode offers(@RequestParam(required = false) String zone, @RequestParam(required = false) String datasetId,
                    @RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "20") int limit) {
        if (zone == null || !CrossZoneContractController.ZONE.matcher(zone).matches()) throw ApiException.notFound("zone");
        if (offset < 0 || limit < 1 || limit > 100) throw ApiException.badRequest("INVALID_PAGE", "offset >= 0 and 1 <= limit <= 100");
        if (datasetId != null && !CrossZoneContractController.ID.matcher(datasetId).matches()) {
            throw ApiException.badRequest("INVALID_PARAMETER", "datasetId is not an id");
        }
        return contracts.remoteOffers(zone, datasetId, offset, limit);
    }
}
