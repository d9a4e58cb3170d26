package io.veil.sandbox.worker;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pre-started workers (ADR 0016) on real bubblewrap: one job per process, replacement after, survival of
 * idle deaths; inputs handed over as hard links in the worker's own inbox, or over stdin where a link
 * cannot be made (ADR 0017).
 */
class WarmWorkerPoolTest {
    static final WorkerRequest.Limits LIMITS = new WorkerRequest.Limits(512, 1, 10_000, 10_000);
    static final ObjectMapper JSON = BubblewrapSandboxTest.JSON;
    static final String MARKER = BubblewrapSandboxTest.MARKER;
    final BubblewrapSandboxTest fixtures = new BubblewrapSandboxTest();
    BubblewrapSandboxRunner runner;

    @TempDir
    Path dir;

    @BeforeEach
    void pool() {
        fixtures.dir = dir;
        runner = new BubblewrapSandboxRunner(1, LIMITS, dir.resolve("inboxes")); // beside the blobs, as in the gateway
    }

    @AfterEach
    void close() {
        runner.close();
    }

    Process idleWarmWorker() throws Exception {
        assertThat(runner.awaitWarmWorker(60_000)).as("a warm worker is ready").isTrue();
        List<Process> idle = runner.pool().idleProcesses();
        assertThat(idle).hasSize(1);
        return idle.get(0);
    }

    WorkerResponse aggregate(String jobId, BubblewrapSandboxTest.Blob b, boolean parquet) {
        var plan = BubblewrapSandboxTest.plan("SELECT district, COUNT(*) AS n, SUM(income) AS total FROM people GROUP BY district");
        WorkerRequest r = parquet ? fixtures.parquetRequest(b, plan.sql(), plan.spec().toJson())
                : new WorkerRequest(fixtures.request(b, plan.sql(), 10_000).tables(), plan.sql(), plan.spec().toJson(), LIMITS);
        return runner.run(jobId, new WorkerRequest(r.tables(), r.sql(), r.enforcement(), LIMITS));
    }

    @Test
    void aWarmWorkerServesExactlyOneJobThenExitsAndIsReplaced() throws Exception {
        BubblewrapSandboxTest.Blob b = fixtures.encryptParquet(BubblewrapSandboxTest.people(200));
        Process first = idleWarmWorker();
        WorkerResponse r1 = aggregate("w1", b, true);
        assertThat(r1.ok()).as(String.valueOf(r1.code())).isTrue();
        assertThat(r1.table().rows()).hasSize(2);
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).as("the worker exits after its one job").isTrue();
        assertThat(runner.pool().idleProcesses()).doesNotContain(first);

        Process second = idleWarmWorker();
        assertThat(second.pid()).isNotEqualTo(first.pid());
        WorkerResponse r2 = aggregate("w2", fixtures.encrypt(BubblewrapSandboxTest.people(200)), false);
        assertThat(r2.ok()).as(String.valueOf(r2.code())).isTrue();
        assertThat(r2.table()).isEqualTo(r1.table());
        assertThat(second.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void thePoolSurvivesAWorkerThatDiedWhileIdle() throws Exception {
        Process idle = idleWarmWorker();
        idle.destroyForcibly().waitFor();
        // The next job still runs (on a fresh worker if no replacement is warm yet) ...
        WorkerResponse r = aggregate("w3", fixtures.encryptParquet(BubblewrapSandboxTest.people(200)), true);
        assertThat(r.ok()).as(String.valueOf(r.code())).isTrue();
        // ... and the pool has replaced the dead worker with a live, warm one.
        Process replacement = idleWarmWorker();
        assertThat(replacement.pid()).isNotEqualTo(idle.pid());
        assertThat(replacement.isAlive()).isTrue();
    }

    @Test
    void aWarmWorkerReadsItsInputThroughALinkInItsOwnInboxWhichIsEmptiedAfterTheJob() throws Exception {
        BubblewrapSandboxTest.Blob b = fixtures.encryptParquet(BubblewrapSandboxTest.people(200));
        Process worker = idleWarmWorker();
        assertThat(regularFiles(dir.resolve("inboxes"))).as("an idle worker's inbox is empty").isEmpty();
        WorkerResponse r = aggregate("w5", b, true);
        assertThat(r.ok()).as(String.valueOf(r.code())).isTrue();
        assertThat(r.table().rows()).hasSize(2);
        assertThat(runner.linkedInputs()).as("handed over as a link, not copied").isEqualTo(1);
        assertThat(regularFiles(dir.resolve("inboxes"))).as("no link outlives the job").isEmpty();
        assertThat(java.nio.file.Files.getAttribute(b.path(), "unix:nlink")).isEqualTo(1);
        assertThat(worker.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void whereNoLinkCanBeMadeTheInputGoesOverStdin() throws Exception {
        runner.close();
        // /dev/shm is another file system than the test's temp dir: hard links fail with EXDEV.
        Path elsewhere = java.nio.file.Files.createTempDirectory(Path.of("/dev/shm"), "veil-inboxes-");
        try {
            runner = new BubblewrapSandboxRunner(1, LIMITS, elsewhere);
            BubblewrapSandboxTest.Blob b = fixtures.encryptParquet(BubblewrapSandboxTest.people(200));
            idleWarmWorker();
            WorkerResponse r = aggregate("w6", b, true);
            assertThat(r.ok()).as(String.valueOf(r.code())).isTrue();
            assertThat(r.table().rows()).hasSize(2);
            assertThat(runner.linkedInputs()).isZero();
        } finally {
            runner.close();
            Inbox.clear(elsewhere);
            try {
                java.nio.file.Files.deleteIfExists(elsewhere);
            } catch (java.nio.file.DirectoryNotEmptyException raced) {
                // a stopped worker's own inbox removal raced the clear; /dev/shm is emptied at reboot anyway
            }
        }
    }

    static List<Path> regularFiles(Path root) throws Exception {
        if (!java.nio.file.Files.exists(root)) return List.of();
        try (var files = java.nio.file.Files.walk(root)) {
            return files.filter(java.nio.file.Files::isRegularFile).toList();
        }
    }

    @Test
    void aTamperedCiphertextSentToAWarmWorkerIsRefused() throws Exception {
        BubblewrapSandboxTest.Blob b = fixtures.encryptParquet(BubblewrapSandboxTest.people(50));
        byte[] bytes = java.nio.file.Files.readAllBytes(b.path());
        bytes[bytes.length - 1] ^= 1; // the last segment (the Parquet footer) is authenticated whatever the query reads
        java.nio.file.Files.write(b.path(), bytes);
        idleWarmWorker();
        WorkerResponse r = aggregate("w4", b, true);
        assertThat(r.code()).isEqualTo(WorkerResponse.INPUT_TAMPERED);
        assertThat(JSON.writeValueAsString(r)).doesNotContain(MARKER);
    }
}
