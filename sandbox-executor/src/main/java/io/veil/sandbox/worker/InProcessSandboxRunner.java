package io.veil.sandbox.worker;

import java.nio.file.Path;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * DEVELOPMENT ONLY: runs the worker logic inside the calling JVM, with none of the process
 * isolation (no namespaces, same uid, same file system; plaintext goes to the JVM's temp
 * directory). Never a default; constructing it requires an explicit acknowledgement and logs a
 * warning each time.
 */
public final class InProcessSandboxRunner implements SandboxRunner {
    private static final Logger LOG = Logger.getLogger(InProcessSandboxRunner.class.getName());

    public InProcessSandboxRunner(boolean iUnderstandThisIsNotASandbox) {
        if (!iUnderstandThisIsNotASandbox) throw new IllegalArgumentException("the in-process runner must be explicitly acknowledged");
        LOG.warning("IN-PROCESS SANDBOX RUNNER: jobs are NOT isolated; for development only");
    }

    @Override
    public WorkerResponse run(String jobId, WorkerRequest request) {
        LOG.warning("running job without isolation (in-process runner)");
        Path scratch = Path.of(System.getProperty("java.io.tmpdir"), "veil-inproc-" + UUID.randomUUID());
        try {
            return Worker.execute(request, scratch);
        } finally {
            try (var files = java.nio.file.Files.walk(scratch)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException ignored) {
                // nothing was created
            }
        }
    }

    @Override
    public void cancel(String jobId) {
    }
}
