package io.veil.gateway.crosszone;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.security.Caller;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * The provider zone's view of PSI runs peer zones made against its datasets: providers see runs under
 * their own contracts, auditors and zone admins all. What is shown is what was released (and why a
 * run was refused), never keys or values.
 */
@RestController
@RequestMapping("/api/v1/federation/psi-runs")
@Tag(name = "PSI jobs", description = "PSI_COUNT / PSI_SUM between this zone's dataset and a peer zone's, under a cross-zone contract")
class PsiRunController {
    private final PsiJobStore store;

    PsiRunController(PsiJobStore store) {
        this.store = store;
    }

    @Operation(summary = "PSI runs by peer zones against this zone's datasets (responder side), newest first")
    @GetMapping
    @PreAuthorize("hasAnyRole('provider','auditor','zone-admin')")
    List<PsiJobController.View> list(@RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "20") int limit) {
        if (offset < 0 || limit < 1 || limit > 100) throw ApiException.badRequest("INVALID_PAGE", "offset >= 0 and 1 <= limit <= 100");
        Caller c = Caller.current();
        boolean all = c.has("auditor") || c.has("zone-admin");
        return store.responderRuns(all ? null : c.org(), offset, limit).stream().map(PsiJobController::view).toList();
    }
}
