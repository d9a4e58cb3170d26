package io.veil.gateway.federation;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veil.gateway.api.ApiException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The zone-to-zone API (signed by the calling zone; see docs/federation.md). */
@RestController
@RequestMapping("/federation/v1")
@Tag(name = "federation", description = "Zone-to-zone API: requests signed by a peer zone's key")
class FederationController {
    private final CatalogExport export;

    FederationController(CatalogExport export) {
        this.export = export;
    }

    @Operation(summary = "This zone's catalog for a peer zone: metadata, schema, safe statistics, synthetic previews")
    @GetMapping("/catalog")
    @PreAuthorize("hasRole('" + ZoneAuthentication.ROLE + "')")
    CatalogEntry.Page catalog(@RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "100") int limit) {
        if (offset < 0 || limit < 1 || limit > CatalogExport.MAX_PAGE) {
            throw ApiException.badRequest("INVALID_PAGE", "offset >= 0 and 1 <= limit <= " + CatalogExport.MAX_PAGE);
        }
        return export.page(offset, limit);
    }
}
