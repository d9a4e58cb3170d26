package io.veil.sandbox.worker;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of the sandboxed worker process: one WorkerRequest on stdin, one WorkerResponse as
 * JSON on stdout, then exit. Writes nothing else to stdout (no values in any output but the enforced
 * result).
 *
 * <p>Started per job (no arguments) the request is the whole of stdin and the ciphertexts are
 * mounted read-only at the request's paths. Started ahead of time ({@code --pooled}, ADR 0016) the
 * worker first warms up on synthetic data, writes {@link #WARM} to stderr, and then reads a framed
 * request: a 4-byte length and the JSON, then per table an 8-byte length and the ciphertext, which it
 * keeps in its RAM /tmp. Either way it serves exactly one job.
 */
public final class WorkerMain {
    static final int MAX_REQUEST = 16 * 1024 * 1024;
    static final String POOLED = "--pooled";
    static final String WARM = "veil-worker-warm";
    private static final ObjectMapper JSON = new ObjectMapper();

    private WorkerMain() {}

    public static void main(String[] args) throws Exception {
        boolean pooled = args.length == 1 && args[0].equals(POOLED);
        long start = Long.getLong("veil.worker.launchedAt", 0);
        Path scratch = Path.of(System.getProperty("java.io.tmpdir"), "veil-job");
        if (pooled) {
            WarmUp.run(Path.of(System.getProperty("java.io.tmpdir"), "veil-warm"));
            System.err.println(WARM);
            System.err.flush();
        }
        WorkerResponse resp;
        try (InputStream in = System.in) {
            WorkerRequest req;
            long ready;
            if (pooled) {
                DataInputStream data = new DataInputStream(in);
                int length = data.readInt();
                start = System.currentTimeMillis(); // for a pooled worker, "start" is the hand-over of the job
                req = length < 0 || length > MAX_REQUEST ? null : receive(data, JSON.readValue(data.readNBytes(length), WorkerRequest.class),
                        scratch.resolve("ct"));
            } else {
                byte[] body = in.readNBytes(MAX_REQUEST + 1);
                req = body.length > MAX_REQUEST ? null : JSON.readValue(body, WorkerRequest.class);
            }
            ready = System.currentTimeMillis();
            if (req == null) {
                resp = WorkerResponse.error(WorkerResponse.CRASHED, "request too large");
            } else {
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
        JSON.writeValue(System.out, resp); // closes stdout: the runner takes the answer at EOF, before this JVM has exited
        System.out.flush();
        System.out.close();
        System.exit(0);
    }

    /** Stores each table's ciphertext, streamed after the JSON, in the RAM scratch and points the table at it. */
    private static WorkerRequest receive(DataInputStream in, WorkerRequest req, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<WorkerRequest.Table> tables = new ArrayList<>();
        byte[] buf = new byte[1 << 16];
        for (WorkerRequest.Table t : req.tables()) {
            long remaining = in.readLong();
            Path file = dir.resolve(tables.size() + ".enc");
            try (OutputStream out = Files.newOutputStream(file)) {
                while (remaining > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
                    if (n < 0) throw new IOException("truncated");
                    out.write(buf, 0, n);
                    remaining -= n;
                }
            }
            tables.add(new WorkerRequest.Table(t.internalName(), file.toString(), t.suite(), t.dataKeyBase64(), t.associatedData(),
                    t.columns(), t.format()));
        }
        return new WorkerRequest(tables, req.sql(), req.enforcement(), req.limits());
    }
}
