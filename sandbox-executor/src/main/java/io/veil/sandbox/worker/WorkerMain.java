package io.veil.sandbox.worker;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of the sandboxed worker process: one WorkerRequest on stdin, one WorkerResponse as
 * JSON on stdout (after its 4-byte length), then exit. Writes nothing else to stdout (no values in any output but the enforced
 * result).
 *
 * <p>Started per job (no arguments) the request is the whole of stdin and the ciphertexts are
 * mounted read-only at the request's paths. Started ahead of time ({@code --pooled memoryMb threads},
 * ADR 0016) the worker first warms up on synthetic data, opens the job's empty database with those
 * limits, writes {@link #WARM} to stderr, and then reads a framed request: a 4-byte length and the
 * JSON, then per table either {@link #IN_INBOX} (the ciphertext is at the table's path in its read-only
 * inbox, ADR 0017) or an 8-byte length and the ciphertext, which it keeps in its RAM /tmp. Either way
 * it serves exactly one job.
 */
public final class WorkerMain {
    static final int MAX_REQUEST = 16 * 1024 * 1024;
    static final String POOLED = "--pooled";
    static final String WARM = "veil-worker-warm";
    /** Frame marker instead of a length: this table's ciphertext is already in the worker's inbox. */
    static final long IN_INBOX = -1;
    static final ObjectMapper JSON = new ObjectMapper();

    private WorkerMain() {}

    public static void main(String[] args) throws Exception {
        boolean pooled = args.length == 3 && args[0].equals(POOLED);
        long start = Long.getLong("veil.worker.launchedAt", 0);
        Path scratch = Path.of(System.getProperty("java.io.tmpdir"), "veil-job");
        Worker.Prepared prepared = null;
        if (pooled) {
            WarmUp.run(Path.of(System.getProperty("java.io.tmpdir"), "veil-warm"));
            // The job's own fresh database, opened now rather than on the job's clock: nothing is in it yet.
            prepared = Worker.prepare(Integer.parseInt(args[1]), Integer.parseInt(args[2]), scratch);
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
                resp = Worker.execute(req, scratch, prepared);
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
        // Framed (length, then JSON): the runner takes the answer as soon as it is complete, without waiting
        // for EOF, which comes only when this JVM and the sandbox around it have exited (~50 ms later).
        byte[] answer = JSON.writeValueAsBytes(resp);
        DataOutputStream out = new DataOutputStream(System.out);
        out.writeInt(answer.length);
        out.write(answer);
        out.flush();
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
            if (remaining == IN_INBOX) {
                if (!t.blobPath().startsWith(Inbox.MOUNT + "/") || t.blobPath().contains("..")) throw new IOException("bad inbox path");
                tables.add(t);
                continue;
            }
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
