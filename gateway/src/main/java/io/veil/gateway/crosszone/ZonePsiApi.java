package io.veil.gateway.crosszone;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.federation.ZoneAuthentication;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/**
 * Zone-to-zone PSI: the initiator zone opens a session (JSON), then exchanges the protocol's
 * {@code byte[]} messages (io.veil.crypto.psi) in batches. Each call is signed by the calling zone;
 * a batch request answered with 204 means that stream is complete.
 */
@RestController
@RequestMapping("/federation/v1/psi/sessions")
@Tag(name = "federation", description = "Zone-to-zone API: requests signed by a peer zone's key")
class ZonePsiApi {
    private final PsiResponderSessions sessions;

    ZonePsiApi(PsiResponderSessions sessions) {
        this.sessions = sessions;
    }

    @Operation(summary = "Open a PSI session under a cross-zone contract: checks, reserves, answers with the HELLO")
    @PostMapping
    @PreAuthorize("hasRole('" + ZoneAuthentication.ROLE + "')")
    ResponseEntity<Map<String, Object>> open(@RequestBody(required = false) byte[] body) {
        return ResponseEntity.status(201).body(sessions.open(PeerCalls.caller(), ZoneContractApi.parse(body)));
    }

    @Operation(summary = "One batch of the initiator's blinded keys")
    @PostMapping("/{id}/blinded")
    @PreAuthorize("hasRole('" + ZoneAuthentication.ROLE + "')")
    ResponseEntity<Void> blinded(@PathVariable String id, @RequestBody(required = false) byte[] body) {
        if (body == null || body.length == 0) throw ApiException.badRequest("PSI_PROTOCOL_ERROR", "empty batch");
        sessions.blinded(PeerCalls.caller(), id(id), body);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "The next batch of double-blinded keys (204 when done)")
    @PostMapping("/{id}/double-blinded")
    @PreAuthorize("hasRole('" + ZoneAuthentication.ROLE + "')")
    ResponseEntity<byte[]> doubleBlinded(@PathVariable String id) {
        return bytes(sessions.doubleBlinded(PeerCalls.caller(), id(id)));
    }

    @Operation(summary = "The next batch of the responder's blinded entries (204 when done)")
    @PostMapping("/{id}/entries")
    @PreAuthorize("hasRole('" + ZoneAuthentication.ROLE + "')")
    ResponseEntity<byte[]> entries(@PathVariable String id) {
        return bytes(sessions.entries(PeerCalls.caller(), id(id)));
    }

    @Operation(summary = "The initiator's RESULT; answers with the aggregate released under the contract's rules")
    @PostMapping("/{id}/result")
    @PreAuthorize("hasRole('" + ZoneAuthentication.ROLE + "')")
    Map<String, Object> result(@PathVariable String id, @RequestBody(required = false) byte[] body) {
        if (body == null || body.length == 0) throw ApiException.badRequest("PSI_PROTOCOL_ERROR", "empty result");
        return sessions.result(PeerCalls.caller(), id(id), body);
    }

    private static ResponseEntity<byte[]> bytes(byte[] b) {
        return b == null ? ResponseEntity.noContent().build()
                : ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(b);
    }

    private static String id(String id) {
        if (!CrossZoneContractController.ID.matcher(id).matches()) throw ApiException.notFound("psi session");
        return id;
    }
}
