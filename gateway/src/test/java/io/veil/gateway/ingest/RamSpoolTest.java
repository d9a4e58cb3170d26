package io.veil.gateway.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** Class 8 of issue 14: each node's plaintext spools live in its own namespace, which the node sweeps when it starts. */
class RamSpoolTest {
    @TempDir
    Path nodeA;
    @TempDir
    Path nodeB;
    @TempDir
    Path ram;

    /** What a node killed mid-upload leaves: a job copy directory with plaintext, a Parquet upload. */
    static void leaveSpools(Path namespace) throws Exception {
        Path copy = Files.createDirectory(namespace.resolve("veil-copy-123"));
        Files.writeString(copy.resolve("normalised.csv"), "person_id,income\nP1,1000\n");
        Files.createDirectories(copy.resolve("spill"));
        Path parquet = Files.createDirectory(namespace.resolve("veil-upload-456"));
        Files.writeString(parquet.resolve("upload.parquet"), "PAR1");
    }

    @Test
    void restartSweepsThisNodesSpoolsAndLeavesAnotherNodesAlone() throws Exception {
        Path a = RamSpool.open(ram, nodeA).dir().orElseThrow();
        Path b = RamSpool.open(ram, nodeB).dir().orElseThrow();
        assertThat(a).isNotEqualTo(b);
        leaveSpools(a);
        leaveSpools(b);

        RamSpool restarted = RamSpool.open(ram, nodeA);
        assertThat(restarted.dir()).contains(a);
        assertThat(restarted.swept()).isEqualTo(2);
        try (var left = Files.list(a)) {
            assertThat(left).isEmpty();
        }
        assertThat(b.resolve("veil-copy-123").resolve("normalised.csv")).exists();
        assertThat(b.resolve("veil-upload-456").resolve("upload.parquet")).exists();
    }

    @Test
    void theNamespaceIsOwnerOnlyAndUnguessable() throws Exception {
        Path a = RamSpool.open(ram, nodeA).dir().orElseThrow();
        assertThat(Files.getPosixFilePermissions(a)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(a.getFileName().toString()).matches("veil-node-[0-9a-f]{32}");
        assertThat(Files.getPosixFilePermissions(nodeA.resolve(RamSpool.ID_FILE))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        // Derived from a random id in the data directory, not from anything another local user knows (path, zone id).
        Path sameZoneElsewhere = Files.createTempDirectory("veil-ramspool-");
        try {
            assertThat(RamSpool.open(ram, sameZoneElsewhere).dir().orElseThrow()).isNotEqualTo(a);
        } finally {
            RamSpool.open(ram, sameZoneElsewhere).close();
            RamSpool.delete(sameZoneElsewhere);
        }
    }

    @Test
    void aNamespaceSquattedByALinkIsRefusedAndItsTargetUntouched() throws Exception {
        String id = RamSpool.nodeId(nodeA);
        Path elsewhere = Files.createDirectory(ram.resolve("elsewhere"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.writeString(elsewhere.resolve("keep.txt"), "not ours");
        Files.createSymbolicLink(ram.resolve("veil-node-" + id), elsewhere);

        RamSpool spool = RamSpool.open(ram, nodeA);
        assertThat(spool.dir()).isEmpty();
        assertThat(elsewhere.resolve("keep.txt")).exists();
        assertThat(Files.isSymbolicLink(ram.resolve("veil-node-" + id))).isTrue();
    }

    @Test
    void aNamespaceOthersCanEnterIsRefused() throws Exception {
        String id = RamSpool.nodeId(nodeA);
        Path open = Files.createDirectory(ram.resolve("veil-node-" + id));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(open.resolve("planted"), "x");
        assertThat(RamSpool.open(ram, nodeA).dir()).isEmpty();
        assertThat(open.resolve("planted")).exists();
    }

    @Test
    void withoutARamFileSystemThereIsNoSpool() {
        assertThat(RamSpool.open(ram.resolve("missing"), nodeA).dir()).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ParquetIngest.ingest(new java.io.ByteArrayInputStream(new byte[]{'P', 'A', 'R', '1'}),
                        java.util.Map.of(), IngestLimits.defaults(), java.io.OutputStream.nullOutputStream(), RamSpool.none()))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("PARQUET_UNSUPPORTED_HERE"));
    }

    @Test
    void shutdownRemovesTheNamespace() throws Exception {
        RamSpool spool = RamSpool.open(ram, nodeA);
        Path a = spool.dir().orElseThrow();
        leaveSpools(a);
        spool.close();
        assertThat(Files.exists(a, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }
}
