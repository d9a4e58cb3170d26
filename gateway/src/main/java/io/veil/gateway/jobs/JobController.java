package io.veil.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.keys.ZoneCommitments;
import io.veil.gateway.security.Caller;
import io.veil.sandbox.ResultTable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.List;

@RestController
@RequestMapping("/api/v1/jobs")
@Tag(name = "jobs", description = "Sandboxed SQL jobs: only outputs that pass the contract's rules are released")
public class JobController {
    private final JobService service;
    private final JobExecution execution;
    private final ZoneCommitments commitments;
    private final ObjectMapper json;

    public JobController(JobService service, JobExecution execution, ZoneCommitments commitments, ObjectMapper json) {
        this.service = service;
        this.execution = execution;
        this.commitments = commitments;
        this.json = json;
    }

    /** {@code resultCommitment} is null until the job is RELEASED (nothing about a result before release, ADR 0021). */
    public record JobView(String id, String type, String status, List<String> contractIds, List<Job.Reason> reasons,
                          int progress, String queryCommitment, String resultCommitment, JsonNode usage, Instant createdAt,
                          Instant updatedAt) {}

    @Operation(summary = "Submit a job: {contractIds, sql}; tables are named by dataset name (or id)")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasRole('consumer')")
    public ResponseEntity<JobView> submit(@RequestBody JobService.SubmitRequest body) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(view(service.submit(Caller.current(), body)));
    }

    @Operation(summary = "The caller's jobs")
    @GetMapping
    @PreAuthorize("hasRole('consumer')")
    public List<JobView> mine(@RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "20") int limit) {
        if (offset < 0 || limit < 1 || limit > 100) throw ApiException.badRequest("INVALID_PAGE", "offset >= 0 and 1 <= limit <= 100");
        return service.mine(Caller.current(), offset, limit).stream().map(this::view).toList();
    }

    @Operation(summary = "Job status, reason codes and progress; ?waitSeconds=N (up to 30) answers as soon as the job has "
            + "finished or awaits the provider, instead of at once")
    @GetMapping("/{id}")
    @PreAuthorize("hasAnyRole('consumer','provider','auditor','zone-admin')")
    public JobView get(@PathVariable String id, @RequestParam(defaultValue = "0") int waitSeconds) {
        return view(service.get(Caller.current(), id, waitSeconds));
    }

    @Operation(summary = "The released result (submitting organisation only): JSON {columns, types, rows, resultCommitment, "
            + "resultOpeningKey, queryCommitment, queryOpeningKey} or CSV (?format=csv). With an opening key the consumer checks "
            + "the result (RFC 8785 JSON of {columns, rows, types}) and its query against the commitments on the ledger")
    @GetMapping("/{id}/result")
    @PreAuthorize("hasRole('consumer')")
    public ResponseEntity<?> result(@PathVariable String id, @RequestParam(defaultValue = "json") String format) {
        Job j = service.find(id);
        if (!j.consumerOrg().equals(Caller.current().org())) throw ApiException.notFound("job");
        if (j.status() != JobStatus.RELEASED) throw ApiException.conflict("RESULT_NOT_RELEASED", "job is " + j.status());
        ResultTable t = execution.unseal(j.id(), j.resultSealed());
        return switch (format) {
            case "json" -> ResponseEntity.ok(new ResultView(t.columns(), t.types(), t.rows(), j.resultCommitment(),
                    j.resultCommitment() == null ? null : commitments.openingKey(ZoneCommitments.Purpose.JOB_RESULT, j.id()),
                    j.queryCommitment(),
                    j.queryCommitment() == null ? null : commitments.openingKey(ZoneCommitments.Purpose.JOB_QUERY, j.id())));
            case "csv" -> csv(t);
            default -> throw ApiException.badRequest("INVALID_PARAMETER", "format is json or csv");
        };
    }

    /** The released result with what the consumer needs to check it against the ledger (null for jobs stored before V9). */
    public record ResultView(List<String> columns, List<String> types, List<List<Object>> rows, String resultCommitment,
                             String resultOpeningKey, String queryCommitment, String queryOpeningKey) {}

    @Operation(summary = "The checked result awaiting the caller's review (offers with approval PROVIDER_REVIEWS_RESULT), "
            + "exactly as the consumer would receive it: JSON {columns, types, rows} or CSV (?format=csv); only while the job is "
            + "CHECKED. NOT_FOUND for a job the caller does not provide data to, 403 NOT_RESULT_REVIEWER for a provider whose "
            + "offer does not ask for review, 409 JOB_NOT_AWAITING_REVIEW in any other status")
    @GetMapping("/{id}/review")
    @PreAuthorize("hasRole('provider')")
    public ResponseEntity<?> review(@PathVariable String id, @RequestParam(defaultValue = "json") String format) {
        if (!format.equals("json") && !format.equals("csv")) throw ApiException.badRequest("INVALID_PARAMETER", "format is json or csv");
        Job j = service.underReview(Caller.current(), id);
        ResultTable t = execution.unseal(j.id(), j.resultSealed());
        return format.equals("csv") ? csv(t) : ResponseEntity.ok(new ReviewView(j.id(), t.columns(), t.types(), t.rows()));
    }

    /** What the reviewer reads: the enforced table only (no commitment exists before release). */
    public record ReviewView(String jobId, List<String> columns, List<String> types, List<List<Object>> rows) {}

    private static ResponseEntity<String> csv(ResultTable t) {
        return ResponseEntity.ok().contentType(new MediaType("text", "csv")).body(Csv.write(t));
    }

    @Operation(summary = "Cancel a job that has not finished")
    @PostMapping("/{id}/cancel")
    @PreAuthorize("hasRole('consumer')")
    public JobView cancel(@PathVariable String id) {
        return view(service.cancel(Caller.current(), id));
    }

    @Operation(summary = "Provider approves a job (offers with approval PROVIDER_APPROVES_JOB)")
    @PostMapping("/{id}/approve")
    @PreAuthorize("hasRole('provider')")
    public JobView approve(@PathVariable String id) {
        return view(service.decide(Caller.current(), id, true, "approval"));
    }

    @Operation(summary = "Provider rejects a job awaiting approval")
    @PostMapping("/{id}/reject")
    @PreAuthorize("hasRole('provider')")
    public JobView reject(@PathVariable String id) {
        return view(service.decide(Caller.current(), id, false, "approval"));
    }

    @Operation(summary = "Provider releases a checked result (offers with approval PROVIDER_REVIEWS_RESULT)")
    @PostMapping("/{id}/result/approve")
    @PreAuthorize("hasRole('provider')")
    public JobView releaseResult(@PathVariable String id) {
        return view(service.decide(Caller.current(), id, true, "review"));
    }

    @Operation(summary = "Provider withholds a checked result")
    @PostMapping("/{id}/result/reject")
    @PreAuthorize("hasRole('provider')")
    public JobView withholdResult(@PathVariable String id) {
        return view(service.decide(Caller.current(), id, false, "review"));
    }

    private JobView view(Job j) {
        JsonNode usage = null;
        try {
            if (j.usageJson() != null) usage = ConsumerUsage.of(json.readTree(j.usageJson()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return new JobView(j.id(), j.type(), j.status().name(), j.contractIds(), j.reasons(), progress(j.status()),
                j.queryCommitment(), j.status() == JobStatus.RELEASED ? j.resultCommitment() : null, usage, j.createdAt(),
                j.updatedAt());
    }

    private static int progress(JobStatus s) {
        return switch (s) {
            case SUBMITTED -> 10;
            case ANALYSED -> 30;
            case AWAITING_APPROVAL -> 40;
            case RUNNING -> 60;
            case CHECKED -> 90;
            default -> 100;
        };
    }
}
