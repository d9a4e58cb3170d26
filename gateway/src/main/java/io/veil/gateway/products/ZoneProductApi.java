package io.veil.gateway.products;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.federation.ZoneAuthentication;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/** Zone-to-zone: a tier-1 peer lists one of its data products here (signed; the ZoneAuthFilter chain covers it). */
@RestController
@RequestMapping("/federation/v1")
@Tag(name = "federation", description = "Zone-to-zone API: requests signed by a peer zone's key")
class ZoneProductApi {
    private final ProductListings listings;

    ZoneProductApi(ProductListings listings) {
        this.listings = listings;
    }

    @Operation(summary = "A tier-1 zone lists a data product here: {lineage, lineageDigest, entry (catalog entry)}")
    @PostMapping("/data-products")
    @PreAuthorize("hasRole('" + ZoneAuthentication.ROLE + "')")
    Map<String, Object> list(@RequestBody(required = false) byte[] body) {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        if (!(a instanceof ZoneAuthentication z)) throw new ApiException(HttpStatus.UNAUTHORIZED, "ZONE_SIGNATURE_MISSING", "zone requests must be signed");
        return listings.accept(z.zone(), body);
    }
}
