package io.veil.ledger.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.crypto.Suite;
import io.veil.crypto.ZoneKeyStore;
import io.veil.ledger.LedgerEntry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM (SIGKILL, no shutdown hooks) in the middle of concurrent appends, several times,
 * and checks after each kill that every acknowledged append is there, the log verifies, and
 * appending continues.
 */
class CrashRecoveryTest {
    static final String ORIGIN = "veil/zone-a";
    static final int ROUNDS = 3;
    @TempDir
    Path tmp;

    @Test
    void everyAcknowledgedAppendSurvivesAKill() throws Exception {
        Path dir = tmp.resolve("ledger");
        Path keystore = tmp.resolve("zone.p12");
        ZoneKeyStore keys = ZoneKeyStore.openOrCreate(keystore, "crash-test".toCharArray(), Suite.INTL);
        Map<Long, String> acked = new HashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            Map<Long, String> ackedThisRound = runAndKill(dir, keystore, round, 40 + 25 * round);
            assertThat(ackedThisRound).hasSizeGreaterThanOrEqualTo(40 + 25 * round);
            acked.putAll(ackedThisRound);
            assertThat(EmbeddedLedger.verify(dir, List.of(keys.zoneSigningKey().verifyingKey()))).isEmpty();
            try (EmbeddedLedger l = EmbeddedLedger.open(dir, ORIGIN, Suite.INTL, keys.zoneSigningKey())) {
                for (Map.Entry<Long, String> a : acked.entrySet()) {
                    LedgerEntry e = l.read(a.getKey()).orElseThrow(() -> new AssertionError("acknowledged seq " + a.getKey() + " lost"));
                    assertThat(e.event().eventId()).isEqualTo(a.getValue());
                }
                long size = l.size();
                assertThat(size).isGreaterThanOrEqualTo(acked.size());
                assertThat(l.checkpoint().treeSize()).isEqualTo(size);
                assertThat(l.append(TamperDetectionTest.event(1000 + round)).seq()).isEqualTo(size);
            }
        }
    }

    /** Starts the child, waits for at least {@code minAcks} acknowledgements, kills it, and returns every ack it printed. */
    private Map<Long, String> runAndKill(Path dir, Path keystore, int round, int minAcks) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CrashingAppender.class.getName(),
                dir.toString(), keystore.toString(), Integer.toString(round))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Map<Long, String> acked = new HashMap<>();
        CountDownLatch enough = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    String[] parts = line.split(" ");
                    if (parts.length == 3 && parts[0].equals("ack")) {
                        synchronized (acked) {
                            acked.put(Long.parseLong(parts[1]), parts[2]);
                            if (acked.size() >= minAcks) {
                                enough.countDown();
                            }
                        }
                    }
                }
            } catch (java.io.IOException e) {
                // the pipe closes when the child is killed
            }
        });
        reader.start();
        try {
            // A generous guard so a broken child cannot hang the build; not a performance assertion.
            assertThat(enough.await(120, TimeUnit.SECONDS)).as("child acknowledged %d appends", minAcks).isTrue();
        } finally {
            p.destroyForcibly();
            p.waitFor();
            reader.join();
        }
        synchronized (acked) {
            return new HashMap<>(acked);
        }
    }
}
