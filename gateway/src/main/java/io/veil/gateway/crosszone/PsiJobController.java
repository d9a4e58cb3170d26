package io.veil.gateway.crosszone;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.jobs.Job;
import io.veil.gateway.jobs.JobStatus;
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

/** Consumer endpoints for PSI jobs against a peer zone's dataset (docs/cross-zone.md). */
@RestController
@RequestMapping("/api/v1/federation/psi-jobs")
@Tag(name = "PSI jobs", description = "PSI_COUNT / PSI_SUM between this zone's dataset and a peer zone's, under a cross-zone contract")
class PsiJobController {
    private final PsiJobs jobs;

    PsiJobController(PsiJobs jobs) {
        this.jobs = jobs;
    }

    record View(String id, String type, String contractId, String remoteZone, String remoteJobId, JobStatus status, List<Job.Reason> reasons,
                JsonNode request, JsonNode result, String resultCommitment, String resultOpeningKey, Instant createdAt,
                Instant updatedAt) {}

    @Operation(summary = "Run a PSI job: {type, localDatasetId, localJoinKey, remoteZone, remoteDatasetId, remoteJoinKey, remoteMetric (PSI_SUM), contractId}")
    @PostMapping
    @PreAuthorize("hasRole('consumer')")
    ResponseEntity<View> submit(@RequestBody(required = false) JsonNode body) {
        if (body == null || !body.isObject()) throw ApiException.badRequest("MALFORMED_JSON", "body must be a JSON object");
        PsiJobStore.PsiJob j = jobs.submit(Caller.current(), body);
        return ResponseEntity.created(URI.create("/api/v1/federation/psi-jobs/" + j.id())).body(view(j));
    }

    @Operation(summary = "The caller's PSI jobs, newest first")
    @GetMapping
    @PreAuthorize("hasRole('consumer')")
    List<View> list(@RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "20") int limit) {
        if (offset < 0 || limit < 1 || limit > 100) throw ApiException.badRequest("INVALID_PAGE", "offset >= 0 and 1 <= limit <= 100");
        return jobs.mine(Caller.current(), offset, limit).stream().map(PsiJobController::view).toList();
    }

    @Operation(summary = "One PSI job: status, reasons and the released aggregate")
    @GetMapping("/{id}")
    @PreAuthorize("hasRole('consumer')")
    View get(@PathVariable String id) {
        if (!CrossZoneContractController.ID.matcher(id).matches()) throw ApiException.notFound("job");
        return view(jobs.get(Caller.current(), id));
    }

    static View view(PsiJobStore.PsiJob j) {
        try {
            return new View(j.id(), j.type(), j.contractId(), j.peerZone(), j.peerJobId(), j.status(), j.reasons(), PeerCalls.JSON.readTree(j.requestJson()),
                    j.resultJson() == null ? null : PeerCalls.JSON.readTree(j.resultJson()),
                    j.status() == JobStatus.RELEASED ? j.resultCommitment() : null,
                    j.status() == JobStatus.RELEASED ? j.resultOpeningKey() : null, j.createdAt(), j.updatedAt());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("corrupt psi job row");
        }
    }
}
