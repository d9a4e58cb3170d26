package io.veil.ledger.fabric;

import io.veil.crypto.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The local network started by {@code deploy/fabric/network.sh up}. Fabric-tagged tests need it
 * running; they fail (never skip) with the command to run when it is not.
 */
final class FabricTestNetwork {
    static final Path HOME = Path.of(System.getenv().getOrDefault("VEIL_FABRIC_HOME", "/tmp/veil-fabric"));

    private FabricTestNetwork() {}

    static FabricSettings settings(String org) {
        Path env = HOME.resolve("client-" + org + ".env");
        if (!Files.isRegularFile(env)) {
            throw new IllegalStateException("Fabric network not set up: " + env + " is missing; run deploy/fabric/network.sh up");
        }
        return FabricSettings.fromFile(env);
    }

    /** A ledger on a log of its own, so tests on the long-lived network start empty. */
    static FabricLedger freshLedger(String org, SigningKey key) {
        return connect(org, "veil/test-" + UUID.randomUUID(), key);
    }

    static FabricLedger connect(String org, String origin, SigningKey key) {
        try {
            return FabricLedger.connect(settings(org), origin, key);
        } catch (FabricUnavailableException e) {
            throw new IllegalStateException("Fabric network not running (" + e.getMessage() + "); run deploy/fabric/network.sh up", e);
        }
    }

    /** Runs network.sh with one argument; fails with its output if it does not exit 0. */
    static void networkScript(String command) throws IOException, InterruptedException {
        Path script = repoRoot().resolve("deploy/fabric/network.sh");
        Path out = Files.createTempFile("network-" + command, ".log");
        Process p = new ProcessBuilder("bash", script.toString(), command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroy();
            throw new IllegalStateException("network.sh " + command + " failed:\n" + Files.readString(out, StandardCharsets.UTF_8));
        }
        Files.deleteIfExists(out);
    }

    private static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("deploy/fabric/network.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("deploy/fabric/network.sh not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
