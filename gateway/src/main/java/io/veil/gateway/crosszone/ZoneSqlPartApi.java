package io.veil.gateway.crosszone;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.federation.ZoneAuthentication;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/** Zone-to-zone calls for the parts of cross-zone SQL jobs (signed by the calling zone). */
@RestController
@RequestMapping("/federation/v1/sql-parts")
@Tag(name = "federation", description = "Zone-to-zone API: requests signed by a peer zone's key")
class ZoneSqlPartApi {
    private final ProviderSqlParts parts;

    ZoneSqlPartApi(ProviderSqlParts parts) {
        this.parts = parts;
    }

    @Operation(summary = "Run one part of a cross-zone SQL job as a job here: {contractIds, consumerOrg, sql, initiatorJobId}")
    @PostMapping
    @PreAuthorize("hasRole('" + ZoneAuthentication.ROLE + "')")
    ResponseEntity<Map<String, Object>> submit(@RequestBody(required = false) byte[] body) {
        return ResponseEntity.status(201).body(parts.submit(PeerCalls.caller(), ZoneContractApi.parse(body)));
    }

    @Operation(summary = "A part's status, reason codes and, once released, the released table")
    @PostMapping("/{id}/status")
    @PreAuthorize("hasRole('" + ZoneAuthentication.ROLE + "')")
    Map<String, Object> status(@PathVariable String id) {
        if (!CrossZoneContractController.ID.matcher(id).matches()) throw ApiException.notFound("job");
        return parts.status(PeerCalls.caller(), id);
    }
}
