package io.veil.gateway.jobs;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.veil.sandbox.worker.WorkerResponse;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Where a job's time goes, for operators and the end-to-end benchmark: Micrometer timers (served
 * to zone admins at {@code /actuator/metrics} and {@code /actuator/prometheus}).
 * <ul>
 *   <li>{@code veil.job.latency} — submit → RELEASED as the node saw it, tagged {@code path=auto}
 *       for a job that ran straight through and {@code path=resumed} for one that waited on the way
 *       (a provider's approval or review, or a node restart);</li>
 *   <li>{@code veil.job.worker} — one sandbox run, tagged {@code phase}: {@code wall} (hand-over to
 *       answer, seen from the gateway), {@code start}, {@code decrypt_load}, {@code query},
 *       {@code enforce} (as the worker measured them).</li>
 * </ul>
 * Durations only: no tag carries a job, dataset or organisation, and nothing here depends on a value.
 */
@Component
class JobTimings {
    private final Timer auto;
    private final Timer resumed;
    private final Timer wall;
    private final Timer start;
    private final Timer decryptLoad;
    private final Timer query;
    private final Timer enforce;

    JobTimings(MeterRegistry meters) {
        this.auto = latency(meters, "auto");
        this.resumed = latency(meters, "resumed");
        this.wall = worker(meters, "wall");
        this.start = worker(meters, "start");
        this.decryptLoad = worker(meters, "decrypt_load");
        this.query = worker(meters, "query");
        this.enforce = worker(meters, "enforce");
    }

    private static Timer latency(MeterRegistry meters, String path) {
        return Timer.builder("veil.job.latency").description("submit to released, as this node saw it")
                .tag("path", path).register(meters);
    }

    private static Timer worker(MeterRegistry meters, String phase) {
        return Timer.builder("veil.job.worker").description("one sandbox run, by phase").tag("phase", phase).register(meters);
    }

    /** A sandbox run that answered: its wall time seen from here and the phases the worker reported. */
    void worker(long wallNanos, WorkerResponse.Stats stats) {
        wall.record(wallNanos, TimeUnit.NANOSECONDS);
        start.record(stats.workerStartMillis(), TimeUnit.MILLISECONDS);
        decryptLoad.record(stats.decryptLoadMillis(), TimeUnit.MILLISECONDS);
        query.record(stats.queryMillis(), TimeUnit.MILLISECONDS);
        enforce.record(stats.enforceMillis(), TimeUnit.MILLISECONDS);
    }

    /** A job just released; {@code waited} when it did not run straight through (approval, review, restart). */
    void released(Job job, boolean waited) {
        Duration d = Duration.between(job.createdAt(), Instant.now());
        if (!d.isNegative()) (waited ? resumed : auto).record(d);
    }
}
