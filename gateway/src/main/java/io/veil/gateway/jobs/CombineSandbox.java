package io.veil.gateway.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.crypto.CanonicalJson;
import io.veil.crypto.DataKey;
import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.config.VeilProperties;
import io.veil.sandbox.ResultTable;
import io.veil.sandbox.privacy.EnforcementSpec;
import io.veil.sandbox.worker.WorkerRequest;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * The combine step of a cross-zone job, in a sandbox worker like any job: each released part result
 * is written as the worker's input format (normalised CSV) encrypted under a fresh data key in a
 * per-job scratch directory (never plaintext on disk), the worker decrypts it into its RAM scratch,
 * runs the trusted combine SQL with external access off, and enforces the output with the spec given
 * (row cap, exact layout). The scratch files are deleted afterwards.
 */
@Component
public class CombineSandbox {
    private final WorkerClient worker;
    private final ZoneKeyStore keys;
    private final ObjectMapper json;
    private final Path scratchRoot;

    CombineSandbox(WorkerClient worker, ZoneKeyStore keys, ObjectMapper json, VeilProperties props) {
        this.worker = worker;
        this.keys = keys;
        this.json = json;
        this.scratchRoot = props.dataDir().resolve("scratch").resolve("combine");
    }

    /** Leftovers of a combine interrupted by a crash: ciphertext under keys that died with the process. */
    @org.springframework.context.event.EventListener(org.springframework.boot.context.event.ApplicationReadyEvent.class)
    void sweep() {
        if (Files.isDirectory(scratchRoot)) delete(scratchRoot);
    }

    /** One released part: loaded as table {@code internalName} (t0, t1, …) with these column names. */
    public record Input(String internalName, List<String> columns, ResultTable released) {}

    public sealed interface Outcome {
        record Ok(ResultTable table, long rowsRead) implements Outcome {}
        record Error(String code, String message) implements Outcome {}
    }

    public Outcome run(String jobId, List<Input> inputs, String sql, EnforcementSpec spec) {
        Path dir = scratchRoot.resolve(jobId);
        try {
            Files.createDirectories(dir);
            List<WorkerRequest.Table> tables = new ArrayList<>();
            for (Input in : inputs) tables.add(encrypt(dir, jobId, in));
            WorkerClient.Result r = worker.run("combine-" + jobId, tables, sql, spec.toJson());
            if (r instanceof WorkerClient.Result.Error e) return new Outcome.Error(e.code(), e.message());
            WorkerClient.Result.Ok ok = (WorkerClient.Result.Ok) r;
            return new Outcome.Ok(ok.table(), ok.rowsScanned());
        } catch (IOException e) {
            return new Outcome.Error("COMBINE_FAILED", "the combine step could not prepare its inputs");
        } finally {
            delete(dir);
        }
    }

    private WorkerRequest.Table encrypt(Path dir, String jobId, Input in) throws IOException {
        ResultTable t = in.released();
        if (t.columns().size() != in.columns().size()) throw new IOException("layout");
        List<WorkerRequest.Column> cols = new ArrayList<>();
        for (int i = 0; i < in.columns().size(); i++) cols.add(new WorkerRequest.Column(in.columns().get(i), workerType(t, i)));
        ResultTable renamed = new ResultTable(in.columns(), t.types(), t.rows());
        DataKey key = DataKey.generate(keys.suite());
        Path file = dir.resolve(in.internalName() + ".enc");
        String ad = "combine:" + jobId + ":" + in.internalName();
        try (OutputStream out = key.encryptingStream(Files.newOutputStream(file), ad.getBytes(StandardCharsets.UTF_8))) {
            out.write(Csv.write(renamed).getBytes(StandardCharsets.UTF_8));
        }
        return new WorkerRequest.Table(in.internalName(), file.toAbsolutePath().toString(), keys.suite().name(),
                Base64.getEncoder().encodeToString(key.exportForWorker()), ad, cols);
    }

    /** The worker's column type for a released column: its SQL type where textual, else from the values. */
    static String workerType(ResultTable t, int i) {
        String declared = t.types().get(i).toUpperCase(java.util.Locale.ROOT);
        if (declared.contains("CHAR") || declared.equals("UUID")) return "VARCHAR";
        if (declared.equals("DATE")) return "DATE";
        if (declared.equals("BOOLEAN")) return "BOOLEAN";
        boolean integral = true;
        for (List<Object> row : t.rows()) {
            Object v = row.get(i);
            if (v == null) continue;
            if (!(v instanceof Number)) return "VARCHAR";
            if (!(v instanceof Long || v instanceof Integer || v instanceof Short)) integral = false;
        }
        return integral && !declared.equals("DOUBLE") && !declared.equals("FLOAT") && !declared.startsWith("DECIMAL") ? "BIGINT" : "DOUBLE";
    }

    private static void delete(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // only ciphertext under a fresh, discarded key can be left behind
        }
    }

    /** The combined result sealed under the zone's result key, as job results are (never plaintext at rest). */
    public String seal(String jobId, ResultTable table) {
        DataKey k = DataKey.generate(keys.suite());
        byte[] ct = k.seal(canonical(table), ("xzone-result:" + jobId).getBytes(StandardCharsets.UTF_8));
        ZoneKeyStore.WrappedKey w = keys.wrap(k);
        return w.zoneKeyVersion() + ":" + Base64.getEncoder().encodeToString(w.ciphertext()) + ":" + Base64.getEncoder().encodeToString(ct);
    }

    public ResultTable unseal(String jobId, String sealed) {
        String[] p = sealed.split(":");
        DataKey k = keys.unwrap(new ZoneKeyStore.WrappedKey(p[0], Base64.getDecoder().decode(p[1])));
        byte[] pt = k.open(Base64.getDecoder().decode(p[2]), ("xzone-result:" + jobId).getBytes(StandardCharsets.UTF_8));
        try {
            return json.readValue(pt, ResultTable.class);
        } catch (IOException e) {
            throw new IllegalStateException("corrupt sealed result", e);
        }
    }

    /** RFC 8785 form of a table, the input of its result digest. */
    public byte[] canonical(ResultTable t) {
        try {
            return CanonicalJson.canonicalize(json.writeValueAsString(t));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
