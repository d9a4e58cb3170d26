package io.veil.gateway.crosszone;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * Zone-to-zone contract calls (signed by the calling zone; the ZoneAuthFilter chain covers them).
 * Bodies are read as bytes and parsed here, so no content-type negotiation stands between the
 * signed bytes and what is acted on.
 */
@RestController
@RequestMapping("/federation/v1")
@Tag(name = "federation", description = "Zone-to-zone API: requests signed by a peer zone's key")
class ZoneContractApi {
    private final ProviderSideContracts provider;
    private final ConsumerSideContracts consumer;

    ZoneContractApi(ProviderSideContracts provider, ConsumerSideContracts consumer) {
        this.provider = provider;
        this.consumer = consumer;
    }

    @Operation(summary = "A peer zone requests a contract on one of this zone's offers for one of its organisations")
    @PostMapping("/contracts")
    @PreAuthorize("hasRole('" + ZoneAuthentication.ROLE + "')")
    ResponseEntity<Map<String, Object>> request(@RequestBody(required = false) byte[] body) {
        return ResponseEntity.status(201).body(provider.request(PeerCalls.caller(), parse(body)));
    }

    @Operation(summary = "State (and signed agreement) of a contract the calling zone requested here")
    @PostMapping("/contracts/{id}/status")
    @PreAuthorize("hasRole('" + ZoneAuthentication.ROLE + "')")
    Map<String, Object> status(@PathVariable String id) {
        return provider.status(PeerCalls.caller(), checkId(id));
    }

    @Operation(summary = "The calling zone revokes, for its organisation, a contract it requested here")
    @PostMapping("/contracts/{id}/revoke")
    @PreAuthorize("hasRole('" + ZoneAuthentication.ROLE + "')")
    Map<String, Object> revoke(@PathVariable String id) {
        return provider.revoke(PeerCalls.caller(), checkId(id));
    }

    @Operation(summary = "The provider zone asks this zone to countersign an agreement for its consumer organisation")
    @PostMapping("/contracts/{id}/countersign")
    @PreAuthorize("hasRole('" + ZoneAuthentication.ROLE + "')")
    Map<String, Object> countersign(@PathVariable String id, @RequestBody(required = false) byte[] body) {
        return consumer.countersign(PeerCalls.caller(), checkId(id), parse(body));
    }

    @Operation(summary = "The provider zone says a contract this zone requested changed; this zone re-reads its state")
    @PostMapping("/contracts/{id}/changed")
    @PreAuthorize("hasRole('" + ZoneAuthentication.ROLE + "')")
    ResponseEntity<Void> changed(@PathVariable String id) {
        consumer.changed(PeerCalls.caller(), checkId(id));
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "This zone's offers, optionally for one dataset: {\"datasetId\"?, \"offset\"?, \"limit\"?}")
    @PostMapping("/offers")
    @PreAuthorize("hasRole('" + ZoneAuthentication.ROLE + "')")
    Map<String, Object> offers(@RequestBody(required = false) byte[] body) {
        return provider.offers(body == null || body.length == 0 ? PeerCalls.JSON.createObjectNode() : parse(body));
    }

    static String checkId(String id) {
        if (!CrossZoneContractController.ID.matcher(id).matches()) throw ApiException.notFound("contract");
        return id;
    }

    static JsonNode parse(byte[] body) {
        try {
            JsonNode n = body == null || body.length == 0 ? null : PeerCalls.JSON.readTree(body);
            if (n == null || !n.isObject()) throw new IllegalArgumentException();
            return n;
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw ApiException.badRequest("MALFORMED_JSON", "body must be one JSON object");
        }
    }
}
