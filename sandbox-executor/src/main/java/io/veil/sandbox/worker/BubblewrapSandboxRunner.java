package io.veil.sandbox.worker;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The default runner: each job gets a fresh worker JVM under bubblewrap — all namespaces unshared
 * (so no network), an unprivileged uid, all capabilities dropped, a read-only view of only the
 * system libraries, the JDK, the worker's classpath and the job's own ciphertext files, and a
 * RAM-backed /tmp as its only writable place — plus prlimit CPU-time, file-size and descriptor
 * limits. Keys travel only over the stdin pipe. See docs/sandbox.md.
 *
 * <p>With warm workers (ADR 0016) up to that many such processes are started ahead of time with the
 * same flags; a job takes one, which serves that one job and exits. Its inputs cannot be mounted into
 * a running sandbox, so each warm worker gets its own empty <em>inbox</em> directory, mounted read-only
 * at {@code /in}: a job's ciphertexts are hard-linked into it (no copy; ADR 0017) and unlinked after
 * the job, so the worker sees exactly its job's files, like a fresh one. Where a link cannot be made
 * (no inbox root, or blobs on another file system) the ciphertext goes over the stdin pipe instead.
 * Without an idle warm worker a job gets a fresh one as above.
 */
public final class BubblewrapSandboxRunner implements SandboxRunner, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ANSWER = 256 * 1024 * 1024;
    private final String javaHome;
    private final String classpath;
    private final int heapMb;
    private final Map<String, Process> running = new ConcurrentHashMap<>();
    private final WarmPool pool;
    private final WorkerRequest.Limits poolLimits;
    private final Path inboxRoot;
    private final AtomicLong linkedInputs = new AtomicLong();

    public BubblewrapSandboxRunner() {
        this(System.getProperty("java.home"), System.getProperty("java.class.path"), 512);
    }

    public BubblewrapSandboxRunner(String javaHome, String classpath, int heapMb) {
        this(javaHome, classpath, heapMb, 0, null);
    }

    /**
     * @param warmWorkers workers kept started and warmed ahead of time (0: none)
     * @param poolLimits  the limits warm workers are started with; a job asking for other limits gets a fresh worker
     */
    public BubblewrapSandboxRunner(int warmWorkers, WorkerRequest.Limits poolLimits) {
        this(warmWorkers, poolLimits, null);
    }

    /**
     * @param inboxRoot a directory owned by this runner alone, on the same file system as the blobs,
     *                  under which each warm worker gets its inbox (null: inputs go over stdin)
     */
    public BubblewrapSandboxRunner(int warmWorkers, WorkerRequest.Limits poolLimits, Path inboxRoot) {
        this(System.getProperty("java.home"), System.getProperty("java.class.path"), 512, warmWorkers, poolLimits, inboxRoot);
    }

    BubblewrapSandboxRunner(String javaHome, String classpath, int heapMb, int warmWorkers, WorkerRequest.Limits poolLimits) {
        this(javaHome, classpath, heapMb, warmWorkers, poolLimits, null);
    }

    BubblewrapSandboxRunner(String javaHome, String classpath, int heapMb, int warmWorkers, WorkerRequest.Limits poolLimits,
                            Path inboxRoot) {
        this.javaHome = javaHome;
        this.classpath = classpath;
        this.heapMb = heapMb;
        this.poolLimits = poolLimits;
        this.inboxRoot = inboxRoot;
        Inbox.clear(inboxRoot); // this runner's alone: anything there was left by a process that died
        this.pool = warmWorkers > 0 ? new WarmPool(warmWorkers, this::startPooled) : null;
    }

    private WarmPool.Spawned startPooled() {
        Path inbox = Inbox.create(inboxRoot);
        List<String> cmd = baseCommand(poolLimits);
        if (inbox != null) cmd.addAll(List.of("--ro-bind", inbox.toString(), Inbox.MOUNT));
        cmd.addAll(javaCommand(WorkerMain.class.getName()));
        cmd.addAll(List.of(WorkerMain.POOLED, String.valueOf(poolLimits.memoryMb()), String.valueOf(poolLimits.threads())));
        try {
            Process p = new ProcessBuilder(cmd).start(); // stderr is read only for the warm marker (WarmPool)
            if (inbox != null) p.onExit().thenRun(() -> Inbox.delete(inbox));
            return new WarmPool.Spawned(p, inbox);
        } catch (IOException e) {
            Inbox.delete(inbox);
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Why bubblewrap cannot be used here, or empty if it can (the gateway refuses to start jobs otherwise). */
    public static Optional<String> unavailableReason() {
        try {
            Process p = new ProcessBuilder("bwrap", "--unshare-all", "--ro-bind", "/", "/", "--", "true")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) return Optional.of("bwrap cannot create namespaces: " + out.strip());
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("bwrap is not installed (apt-get install bubblewrap)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    @Override
    public WorkerResponse run(String jobId, WorkerRequest request) {
        WarmPool.Pooled warm = pool != null && request.limits().equals(poolLimits) ? pool.take() : null;
        if (warm != null) return runPooled(jobId, warm, request);
        List<WorkerRequest.Table> inside = new ArrayList<>();
        List<String> cmd = baseCommand(request.limits());
        for (WorkerRequest.Table t : request.tables()) {
            String in = "/in/" + t.internalName() + "." + t.format() + ".enc";
            cmd.addAll(List.of("--ro-bind", t.blobPath(), in));
            inside.add(new WorkerRequest.Table(t.internalName(), in, t.suite(), t.dataKeyBase64(), t.associatedData(), t.columns(),
                    t.format()));
        }
        cmd.addAll(javaCommand(WorkerMain.class.getName()));
        WorkerRequest sandboxed = new WorkerRequest(inside, request.sql(), request.enforcement(), request.limits());
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return WorkerResponse.error(WorkerResponse.UNAVAILABLE, "the sandbox could not be started");
        }
        return serve(jobId, p, request.limits(), stdin -> JSON.writeValue(stdin, sandboxed));
    }

    /**
     * Hands the job to a warm worker: framed JSON, then per input either {@link WorkerMain#IN_INBOX} (the
     * ciphertext is linked into the worker's inbox) or its length and the ciphertext (WorkerMain --pooled).
     */
    private WorkerResponse runPooled(String jobId, WarmPool.Pooled warm, WorkerRequest request) {
        Process p = warm.process();
        List<WorkerRequest.Table> sent = new ArrayList<>();
        List<Boolean> linked = new ArrayList<>();
        for (WorkerRequest.Table t : request.tables()) {
            String name = t.internalName() + "." + t.format() + ".enc";
            boolean inInbox = Inbox.link(warm.inbox(), name, Path.of(t.blobPath()));
            linked.add(inInbox);
            if (inInbox) linkedInputs.incrementAndGet();
            sent.add(new WorkerRequest.Table(t.internalName(), inInbox ? Inbox.MOUNT + "/" + name : "stdin", t.suite(), t.dataKeyBase64(),
                    t.associatedData(), t.columns(), t.format()));
        }
        try {
            byte[] json;
            try {
                json = JSON.writeValueAsBytes(new WorkerRequest(sent, request.sql(), request.enforcement(), request.limits()));
            } catch (IOException e) {
                p.destroyForcibly();
                return WorkerResponse.error(WorkerResponse.CRASHED, "the request could not be encoded");
            }
            return serve(jobId, p, request.limits(), stdin -> {
                DataOutputStream data = new DataOutputStream(new BufferedOutputStream(stdin, 1 << 16));
                data.writeInt(json.length);
                data.write(json);
                for (int i = 0; i < request.tables().size(); i++) {
                    if (linked.get(i)) {
                        data.writeLong(WorkerMain.IN_INBOX);
                        continue;
                    }
                    Path blob = Path.of(request.tables().get(i).blobPath());
                    long size = Files.size(blob);
                    data.writeLong(size);
                    try (InputStream in = Files.newInputStream(blob)) {
                        long copied = in.transferTo(data);
                        if (copied != size) throw new IOException("blob changed while sent");
                    }
                }
                data.flush();
            });
        } finally {
            Inbox.empty(warm.inbox()); // the answer is in (or the worker is gone): nothing may outlive the job
        }
    }

    private interface Feed {
        void write(OutputStream stdin) throws IOException;
    }

    private WorkerResponse serve(String jobId, Process p, WorkerRequest.Limits limits, Feed feed) {
        running.put(jobId, p);
        try {
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAnswer(p.getInputStream()));
            try (OutputStream stdin = p.getOutputStream()) {
                feed.write(stdin);
            } catch (IOException e) {
                // the worker died before reading; reported below from its exit
            }
            long deadline = limits.timeoutMs() + 15_000; // JVM start and load are outside the query deadline
            byte[] body;
            try {
                // The answer is framed: take it once complete, not after the JVM and the sandbox have torn
                // down (EOF comes only then: ~50 ms with a warm worker). The worker is exiting anyway.
                body = out.get(deadline, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return WorkerResponse.error(WorkerResponse.TIMEOUT, "the job exceeded its time limit");
            }
            WorkerResponse answer = parse(body);
            if (answer != null) {
                CompletableFuture.delayedExecutor(10, TimeUnit.SECONDS).execute(p::destroyForcibly); // no-op once it has exited
                return answer;
            }
            // No complete answer: the worker died; its exit status says why.
            if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            if (p.exitValue() == 3) return WorkerResponse.error(WorkerResponse.MEMORY, "the job exceeded its memory limit");
            if (p.exitValue() == 137 || p.exitValue() == 152) {
                return WorkerResponse.error(WorkerResponse.TIMEOUT, "the job exceeded its CPU time limit");
            }
            return WorkerResponse.error(WorkerResponse.CRASHED, body.length == 0 ? "the worker ended without an answer"
                    : "the worker's answer was unreadable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return WorkerResponse.error(WorkerResponse.CRASHED, "interrupted");
        } catch (Exception e) {
            p.destroyForcibly();
            return WorkerResponse.error(WorkerResponse.CRASHED, "the worker's answer was unreadable");
        } finally {
            running.remove(jobId);
        }
    }

    @Override
    public void cancel(String jobId) {
        Process p = running.get(jobId);
        if (p != null) p.destroyForcibly();
    }

    /** Stops the warm workers (running jobs are unaffected). */
    @Override
    public void close() {
        if (pool != null) pool.close();
    }

    /** Test and benchmark seam: the warm pool, or null. */
    WarmPool pool() {
        return pool;
    }

    /** Test seam: how many job inputs reached a warm worker as a link in its inbox (the rest went over stdin). */
    long linkedInputs() {
        return linkedInputs.get();
    }

    /** Benchmark seam: waits until a warm worker is idle (false if there is no pool or it timed out). */
    public boolean awaitWarmWorker(long timeoutMs) throws InterruptedException {
        return pool != null && pool.awaitWarmIdle(timeoutMs);
    }

    List<String> baseCommand(WorkerRequest.Limits limits) {
        long cpuSeconds = limits.timeoutMs() / 1000 + 30;
        List<String> cmd = new ArrayList<>(List.of(
                "prlimit", "--cpu=" + cpuSeconds, "--nofile=1024", "--fsize=" + (4L << 30), "--core=0", "--",
                "bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
                "--unshare-user", "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL",
                "--ro-bind", "/usr", "/usr",
                "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
                "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
                "--setenv", "PATH", "/usr/bin", "--setenv", "HOME", "/tmp", "--chdir", "/tmp"));
        for (String etc : List.of("/etc/java-17-openjdk", "/etc/alternatives", "/etc/ssl/certs")) {
            if (Files.isDirectory(Path.of(etc))) cmd.addAll(List.of("--ro-bind", etc, etc));
        }
        String home = Path.of(javaHome).toAbsolutePath().toString();
        if (!home.startsWith("/usr/")) cmd.addAll(List.of("--ro-bind", home, home));
        for (String entry : classpath.split(File.pathSeparator)) {
            if (entry.isBlank() || !Files.exists(Path.of(entry))) continue;
            String abs = Path.of(entry).toAbsolutePath().toString();
            if (!abs.startsWith("/usr/")) cmd.addAll(List.of("--ro-bind", abs, abs));
        }
        return cmd;
    }

    /** Test seam: the same sandbox running another main class (isolation probes). */
    Process startRaw(String mainClass, List<String> args) throws IOException {
        List<String> cmd = baseCommand(WorkerRequest.Limits.defaults());
        cmd.addAll(javaCommand(mainClass));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private List<String> javaCommand(String mainClass) {
        // Full tiered compilation, promoted early: a worker lives for one job, and decrypting its
        // input runs at C2 speed (AES-GCM intrinsics) only once the hot loops reach tier 4; with the
        // default thresholds most of a few-hundred-MB input is decrypted before that (docs/benchmarks.md).
        List<String> cmd = new ArrayList<>(List.of(Path.of(javaHome, "bin", "java").toString(),
                "-Xmx" + heapMb + "m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                "-XX:Tier3InvocationThreshold=100", "-XX:Tier4InvocationThreshold=1000", "-XX:Tier4CompileThreshold=1000",
                "-Xshare:auto", "-Djava.io.tmpdir=/tmp", "-Dveil.worker.launchedAt=" + System.currentTimeMillis()));
        String cp = absoluteClasspath();
        if (isBootJar(cp)) {
            // Spring Boot fat jar: the worker's classes are nested; start it through Boot's launcher.
            cmd.addAll(List.of("-cp", cp, "-Dloader.main=" + mainClass,
                    "org.springframework.boot.loader.launch.PropertiesLauncher"));
        } else {
            cmd.addAll(List.of("-cp", cp, mainClass));
        }
        return cmd;
    }

    private String absoluteClasspath() {
        List<String> out = new ArrayList<>();
        for (String e : classpath.split(File.pathSeparator)) if (!e.isBlank()) out.add(Path.of(e).toAbsolutePath().toString());
        return String.join(File.pathSeparator, out);
    }

    private static boolean isBootJar(String cp) {
        return !cp.contains(File.pathSeparator) && cp.endsWith(".jar");
    }

    private static WorkerResponse parse(byte[] body) {
        if (body.length == 0) return null;
        try {
            return JSON.readValue(body, WorkerResponse.class);
        } catch (IOException e) {
            return null; // truncated: the worker was killed while answering
        }
    }

    /** The worker's framed answer (4-byte length, then JSON); empty or short if the worker died before finishing it. */
    private static byte[] readAnswer(InputStream in) {
        try {
            DataInputStream data = new DataInputStream(in);
            int length = data.readInt();
            if (length < 0 || length > MAX_ANSWER) return new byte[0];
            return data.readNBytes(length);
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
