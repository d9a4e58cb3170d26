package io.veil.gateway.crosszone;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.jobs.Job;
import io.veil.gateway.jobs.JobStatus;
import io.veil.gateway.keys.ZoneCommitments;
import io.veil.gateway.security.Caller;
import io.veil.sandbox.ResultTable;
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

/** Consumer endpoints for cross-zone SQL jobs (docs/cross-zone.md, "Cross-zone SQL jobs"). */
@RestController
@RequestMapping("/api/v1/federation/sql-jobs")
@Tag(name = "cross-zone SQL jobs", description = "Aggregate-then-combine SQL over this zone's and peer zones' datasets")
class CrossZoneSqlJobController {
    private final CrossZoneSqlJobs jobs;

    CrossZoneSqlJobController(CrossZoneSqlJobs jobs) {
        this.jobs = jobs;
    }

    record View(String id, String type, JobStatus status, List<Job.Reason> reasons, JsonNode request, String queryCommitment,
                List<CrossZoneSqlJobStore.PartRecord> parts, String resultCommitment, Instant createdAt, Instant updatedAt) {}

    /** With the opening keys the consumer checks the result and its query against this zone's ledger (ADR 0021). */
    record ResultView(List<String> columns, List<String> types, List<List<Object>> rows, String resultCommitment,
                      String resultOpeningKey, String queryCommitment, String queryOpeningKey) {}

    @Operation(summary = "Run a cross-zone SQL job: {sql, contractIds (local), remoteContracts [{zone, contractId}]}")
    @PostMapping
    @PreAuthorize("hasRole('consumer')")
    ResponseEntity<View> submit(@RequestBody(required = false) JsonNode body) {
        if (body == null || !body.isObject()) throw ApiException.badRequest("MALFORMED_JSON", "body must be a JSON object");
        CrossZoneSqlJobStore.XJob j = jobs.submit(Caller.current(), body);
        return ResponseEntity.created(URI.create("/api/v1/federation/sql-jobs/" + j.id())).body(view(j));
    }

    @Operation(summary = "The caller's cross-zone SQL jobs, newest first")
    @GetMapping
    @PreAuthorize("hasRole('consumer')")
    List<View> list(@RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "20") int limit) {
        if (offset < 0 || limit < 1 || limit > 100) throw ApiException.badRequest("INVALID_PAGE", "offset >= 0 and 1 <= limit <= 100");
        return jobs.mine(Caller.current(), offset, limit).stream().map(CrossZoneSqlJobController::view).toList();
    }

    @Operation(summary = "One cross-zone SQL job: status, reason codes and its parts (zone, part job, status, result commitment)")
    @GetMapping("/{id}")
    @PreAuthorize("hasRole('consumer')")
    View get(@PathVariable String id) {
        return view(jobs.get(Caller.current(), id));
    }

    @Operation(summary = "The released combined result (submitting organisation only): {columns, types, rows, resultCommitment, "
            + "resultOpeningKey, queryCommitment, queryOpeningKey}")
    @GetMapping("/{id}/result")
    @PreAuthorize("hasRole('consumer')")
    ResultView result(@PathVariable String id) {
        CrossZoneSqlJobStore.XJob j = jobs.get(Caller.current(), id);
        ResultTable t = jobs.result(j);
        return new ResultView(t.columns(), t.types(), t.rows(), j.resultCommitment(),
                j.resultCommitment() == null ? null : jobs.openingKey(ZoneCommitments.Purpose.CROSS_ZONE_RESULT, j.id()),
                j.queryCommitment(),
                j.queryCommitment() == null ? null : jobs.openingKey(ZoneCommitments.Purpose.CROSS_ZONE_QUERY, j.id()));
    }

    static View view(CrossZoneSqlJobStore.XJob j) {
        try {
            return new View(j.id(), CrossZoneSqlJobStore.JOB_TYPE, j.status(), j.reasons(), PeerCalls.JSON.readTree(j.requestJson()),
                    j.queryCommitment(), j.parts(), j.status() == JobStatus.RELEASED ? j.resultCommitment() : null, j.createdAt(),
                    j.updatedAt());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("corrupt cross-zone job row");
        }
    }
}
