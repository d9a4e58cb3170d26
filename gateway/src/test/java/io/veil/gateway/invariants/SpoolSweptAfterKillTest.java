package io.veil.gateway.invariants;

import io.veil.gateway.ingest.RamSpool;
import io.veil.gateway.support.ApiClient;
import io.veil.gateway.support.NodeProcess;
import io.veil.gateway.support.PartialUpload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariant 5 (plaintext never stays), for real: a node is a separate JVM, SIGKILLed while it receives an
 * upload, so its plaintext spool is left on /dev/shm; restarted on the same data directory it removes the
 * spool before it serves — and leaves another node's spools on the same machine alone.
 */
class SpoolSweptAfterKillTest {
    @TempDir
    Path dataDir;
    @TempDir
    Path otherNodeDataDir;
    Process node;
    int port;
    RamSpool otherNode;

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.destroyForcibly().waitFor();
        RamSpool.open(RamSpool.SHM, dataDir).close();
        if (otherNode != null) otherNode.close();
    }

    void start() throws Exception {
        node = NodeProcess.start(dataDir, port, "512m");
    }

    @Test
    void aNodeKilledMidUploadRemovesItsPlaintextSpoolWhenItRestartsAndOnlyItsOwn() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        otherNode = RamSpool.open(RamSpool.SHM, otherNodeDataDir);
        Path othersSpool = Files.createDirectory(otherNode.dir().orElseThrow().resolve("veil-copy-other"));
        Files.writeString(othersSpool.resolve("normalised.csv"), "another node's upload in progress\n");

        start();
        Path namespace = RamSpool.SHM.resolve("veil-node-" + Files.readString(dataDir.resolve("ram-spool.id")).strip());
        StringBuilder csv = new StringBuilder("person_id,district,income\n");
        for (int i = 0; i < 20_000; i++) csv.append("KILLED").append(i).append(",d").append(i % 3).append(',').append(1000 + i).append('\n');
        String meta = "{\"name\":\"killed_upload\",\"columns\":{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\",\"income\":\"METRIC\"}}";
        try (PartialUpload up = new PartialUpload(port, new ApiClient(port).token("demo-provider"), meta, "a.csv", "text/csv",
                csv.toString().getBytes(StandardCharsets.UTF_8), 50_000_000)) {
            assertThat(PartialUpload.await(60, () -> PartialUpload.bytesUnder(namespace) > 0)).as("the upload is spooling").isTrue();
            node.destroyForcibly().waitFor();
        }
        assertThat(PartialUpload.bytesUnder(namespace)).as("a killed node cannot clean up: plaintext is left in RAM").isPositive();

        start();
        assertThat(PartialUpload.entries(namespace)).as("swept before the node became healthy").isEmpty();
        assertThat(othersSpool.resolve("normalised.csv")).as("another node's spool").exists();
    }
}
