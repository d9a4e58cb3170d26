package io.veil.sandbox.worker;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.InputStream;
import java.nio.file.Path;

/**
 * Entry point of the sandboxed worker process: one WorkerRequest as JSON on stdin, one
 * WorkerResponse as JSON on stdout. Writes nothing else (no values in any output but the
 * enforced result).
 */
public final class WorkerMain {
    static final int MAX_REQUEST = 16 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private WorkerMain() {}

    public static void main(String[] args) throws Exception {
        long start = Long.getLong("veil.worker.launchedAt", 0);
        WorkerResponse resp;
        try (InputStream in = System.in) {
            byte[] body = in.readNBytes(MAX_REQUEST + 1);
            if (body.length > MAX_REQUEST) {
                resp = WorkerResponse.error(WorkerResponse.CRASHED, "request too large");
            } else {
                WorkerRequest req = JSON.readValue(body, WorkerRequest.class);
                Path scratch = Path.of(System.getProperty("java.io.tmpdir"), "veil-job");
                long ready = System.currentTimeMillis();
                resp = Worker.execute(req, scratch);
                if (resp.stats() != null && start > 0) {
                    var s = resp.stats();
                    resp = new WorkerResponse(true, null, null, resp.table(), resp.rowsSuppressed(), resp.truncated(),
                            resp.microEpsilonSpent(), new WorkerResponse.Stats(s.rowsScanned(), s.cpuMillis(),
                            s.decryptLoadMillis(), s.queryMillis(), s.enforceMillis(), Math.max(0, ready - start)));
                }
            }
        } catch (Exception e) {
            resp = WorkerResponse.error(WorkerResponse.CRASHED, "the worker could not read its request");
        }
        JSON.writeValue(System.out, resp);
        System.out.flush();
        System.exit(0);
    }
}
