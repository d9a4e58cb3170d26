package io.veil.sandbox.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Pre-started sandbox workers (ADR 0016): up to {@code size} idle workers, each a bubblewrap
 * process started exactly as a per-job one, warmed up, waiting for one job on stdin. A worker is
 * taken out of the pool for a job and never returns to it: it exits after that job, and its exit —
 * or its death while idle — triggers the spawn of a replacement.
 *
 * <p>All spawning happens on one long-lived thread: bubblewrap's {@code --die-with-parent} is tied
 * to the thread that started the process, so a worker started from a short-lived thread would be
 * killed when that thread ends.
 */
final class WarmPool implements AutoCloseable {
    /** A started worker and its inbox: the host directory mounted read-only at /in inside it (null: none). */
    record Spawned(Process process, java.nio.file.Path inbox) {}

    record Pooled(Process process, CompletableFuture<Void> warm, java.nio.file.Path inbox) {}

    private final Supplier<Spawned> spawn;
    private final int size;
    private final Deque<Pooled> idle = new ArrayDeque<>();
    private final ScheduledExecutorService spawner = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "veil-warm-worker-spawner");
        t.setDaemon(true);
        return t;
    });
    private int starting;
    private boolean closed;

    WarmPool(int size, Supplier<Spawned> spawn) {
        this.size = size;
        this.spawn = spawn;
        refill(0);
    }

    /** An idle, live worker for one job, or null (the caller then starts a worker for this job alone). */
    synchronized Pooled take() {
        while (!idle.isEmpty()) {
            Pooled w = idle.poll();
            if (w.process().isAlive()) return w;
        }
        return null;
    }

    private void refill(long delayMs) {
        synchronized (this) {
            if (closed || idle.size() + starting >= size) return;
            starting++;
        }
        spawner.schedule(this::startOne, delayMs, TimeUnit.MILLISECONDS);
    }

    private void startOne() {
        Spawned started;
        try {
            started = spawn.get();
        } catch (RuntimeException e) {
            started = null;
        }
        Process p = started == null ? null : started.process();
        Pooled w = p == null ? null : new Pooled(p, watchForWarm(p), started.inbox());
        synchronized (this) {
            starting--;
            if (w != null && closed) {
                p.destroyForcibly();
                return;
            }
            if (w != null) idle.add(w);
        }
        if (w == null) {
            refill(5_000); // could not start one; try again later rather than in a tight loop
            return;
        }
        // Replaced when it exits: after its one job, or if it died while idle (then after a pause, so a
        // worker that cannot start does not turn into a spawn loop).
        Pooled pooled = w;
        p.onExit().thenRun(() -> {
            boolean diedIdle;
            synchronized (this) {
                diedIdle = idle.remove(pooled);
            }
            refill(diedIdle ? 2_000 : 0);
        });
    }

    /** Completes when the worker reports on stderr that it is warm; everything else it writes there is discarded unread. */
    private static CompletableFuture<Void> watchForWarm(Process p) {
        CompletableFuture<Void> warm = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.equals(WorkerMain.WARM)) warm.complete(null);
                }
            } catch (IOException ignored) {
                // the worker ended
            }
            warm.completeExceptionally(new IllegalStateException("worker ended"));
        }, "veil-warm-worker-stderr");
        t.setDaemon(true);
        t.start();
        return warm;
    }

    /** Test and benchmark seam: the idle workers' processes right now. */
    synchronized List<Process> idleProcesses() {
        return idle.stream().map(Pooled::process).toList();
    }

    /** Test and benchmark seam: waits until a warm idle worker is available. */
    boolean awaitWarmIdle(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            synchronized (this) {
                if (idle.stream().anyMatch(w -> w.process().isAlive() && w.warm().isDone() && !w.warm().isCompletedExceptionally())) {
                    return true;
                }
            }
            Thread.sleep(50);
        }
        return false;
    }

    @Override
    public void close() {
        List<Pooled> left;
        synchronized (this) {
            closed = true;
            left = List.copyOf(idle);
            idle.clear();
        }
        left.forEach(w -> w.process().destroyForcibly());
        spawner.shutdownNow();
    }
}
