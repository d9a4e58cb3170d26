package io.veil.gateway.keys;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/admin")
@Tag(name = "admin", description = "Zone operator operations")
public class AdminController {
    private final KeyRotationService rotation;

    public AdminController(KeyRotationService rotation) {
        this.rotation = rotation;
    }

    @Operation(summary = "Rotate the zone key and re-wrap every data key (data is not re-encrypted)")
    @PostMapping("/keys/rotate")
    @PreAuthorize("hasRole('zone-admin')")
    public KeyRotationService.Rotation rotate() {
        return rotation.rotate();
    }
}
