package io.veil.gateway.jobs;

import io.veil.crypto.DataKey;
import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.datasets.BlobStore;
import io.veil.gateway.datasets.DatasetService;
import io.veil.gateway.datasets.DatasetVersion;
import io.veil.gateway.ingest.JobCopy;
import io.veil.sandbox.ResultTable;
import io.veil.sandbox.plan.ExecutionPlan;
import io.veil.sandbox.plan.TableInput;
import io.veil.sandbox.worker.BubblewrapSandboxRunner;
import io.veil.sandbox.worker.InProcessSandboxRunner;
import io.veil.sandbox.worker.SandboxRunner;
import io.veil.sandbox.worker.WorkerRequest;
import io.veil.sandbox.worker.WorkerResponse;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Hands a plan to the sandbox: unwraps each input's data key (it leaves this process only over the
 * worker's stdin pipe) and runs the worker under bubblewrap. If bubblewrap is unusable the node
 * still serves the catalog, but every job fails closed with SANDBOX_UNAVAILABLE — it never falls
 * back to running unsandboxed. The in-process runner exists for development and must be chosen
 * explicitly ({@code veil.sandbox.mode=in-process-unsafe}).
 */
@Component
class WorkerClient {
    private static final Logger log = LoggerFactory.getLogger(WorkerClient.class);
    private final ZoneKeyStore keys;
    private final BlobStore blobs;
    private final SandboxRunner runner;
    private final String unavailable;
    private final WorkerRequest.Limits limits;

    WorkerClient(ZoneKeyStore keys, BlobStore blobs, @Value("${veil.sandbox.mode:bubblewrap}") String mode,
                 @Value("${veil.sandbox.memory-mb:2048}") int memoryMb, @Value("${veil.sandbox.threads:2}") int threads,
                 @Value("${veil.sandbox.timeout-ms:120000}") long timeoutMs,
                 @Value("${veil.sandbox.warm-workers:1}") int warmWorkers) {
        this.keys = keys;
        this.blobs = blobs;
        this.limits = new WorkerRequest.Limits(memoryMb, threads, timeoutMs, 100_000);
        if (mode.equals("in-process-unsafe")) {
            this.runner = new InProcessSandboxRunner(true);
            this.unavailable = null;
        } else if (mode.equals("bubblewrap")) {
            Optional<String> why = BubblewrapSandboxRunner.unavailableReason();
            this.unavailable = why.orElse(null);
            // Pre-started workers (ADR 0016) are started with exactly the limits every job of this node uses;
            // a job's ciphertexts reach one through hard links in its inbox beside the blobs (ADR 0017).
            this.runner = why.isEmpty() ? new BubblewrapSandboxRunner(Math.max(0, warmWorkers), limits, blobs.workerInboxes()) : null;
            why.ifPresent(w -> log.warn("sandbox unavailable, jobs will fail closed: {}", w));
        } else {
            throw new IllegalArgumentException("veil.sandbox.mode must be bubblewrap or in-process-unsafe");
        }
    }

    sealed interface Result {
        record Ok(ResultTable table, long rowsScanned, long cpuMillis, WorkerResponse.Stats stats) implements Result {}
        record Error(String code, String message) implements Result {}
    }

    Result run(String jobId, ExecutionPlan plan, Map<String, TableCatalog.Bound> tables) {
        if (runner == null) return new Result.Error(WorkerResponse.UNAVAILABLE, "no sandbox is available on this node");
        List<WorkerRequest.Table> inputs = new ArrayList<>();
        for (TableInput in : plan.inputs()) {
            TableCatalog.Bound t = tables.get(in.datasetId());
            DataKey key = keys.unwrap(new ZoneKeyStore.WrappedKey(t.version().zoneKeyVersion(),
                    Base64.getDecoder().decode(t.version().wrappedKey())));
            List<WorkerRequest.Column> cols = t.binding().columns().stream()
                    .map(c -> new WorkerRequest.Column(c.name(), c.type())).toList();
            // The job copy (DuckDB, ADR 0019, or Parquet, ADR 0015) when the version has one; older versions are CSV only.
            DatasetVersion v = t.version();
            JobCopy.Format copy = v.copyBlobName() == null ? null : BlobStore.copyFormat(v.copyBlobName());
            String blob = blobs.path(copy != null ? v.copyBlobName() : v.blobName()).toAbsolutePath().toString();
            String aad = copy != null ? new String(DatasetService.copyAad(v.datasetId(), v.version(), copy), StandardCharsets.UTF_8)
                    : t.dataset().id() + ":" + v.version();
            inputs.add(new WorkerRequest.Table(in.internalName(), blob, keys.suite().name(),
                    Base64.getEncoder().encodeToString(key.exportForWorker()), aad, cols,
                    copy != null ? copy.id() : WorkerRequest.Table.CSV));
        }
        return run(jobId, inputs, plan.sql(), plan.spec().toJson());
    }

    /** Runs trusted SQL over already prepared encrypted inputs (the cross-zone combine step). */
    Result run(String jobId, List<WorkerRequest.Table> inputs, String sql, com.fasterxml.jackson.databind.JsonNode spec) {
        if (runner == null) return new Result.Error(WorkerResponse.UNAVAILABLE, "no sandbox is available on this node");
        WorkerResponse r = runner.run(jobId, new WorkerRequest(inputs, sql, spec, limits));
        if (!r.ok()) return new Result.Error(r.code(), r.message());
        return new Result.Ok(r.table(), r.stats().rowsScanned(), r.stats().cpuMillis(), r.stats());
    }

    void cancel(String jobId) {
        if (runner != null) runner.cancel(jobId);
    }

    /** Stops idle warm workers with the application context (they would also die with this JVM). */
    @PreDestroy
    void close() throws Exception {
        if (runner instanceof AutoCloseable c) c.close();
    }
}
