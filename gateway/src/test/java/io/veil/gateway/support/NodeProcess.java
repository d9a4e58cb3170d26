package io.veil.gateway.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

/** A gateway in a JVM of its own (local profile, no demo data), for tests that kill it with SIGKILL. */
public final class NodeProcess {
    private NodeProcess() {}

    /** Starts a node on {@code port} over {@code dataDir} and returns once it reports healthy (logs in the data dir). */
    public static Process start(Path dataDir, int port, String maxHeap) throws IOException, InterruptedException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-cp", System.getProperty("java.class.path"), "io.veil.gateway.VeilApplication",
                "--spring.profiles.active=local", "--server.port=" + port, "--veil.data-dir=" + dataDir,
                "--veil.demo.enabled=false", "--logging.level.root=WARN");
        Process node = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("node-" + System.nanoTime() + ".log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            if (!node.isAlive()) throw new AssertionError("node exited during start-up; see logs in " + dataDir);
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("UP")) return node;
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        node.destroyForcibly();
        throw new AssertionError("node did not become healthy");
    }
}
