package io.veil.sandbox.worker;

/** Runs one job in a sandbox and returns its enforced result. Implementations never throw for job failures. */
public interface SandboxRunner {
    WorkerResponse run(String jobId, WorkerRequest request);

    /** Stops a running job (kills its worker); no-op if it is not running. */
    void cancel(String jobId);
}
