package io.veil.ledger.embedded;

import io.veil.crypto.Suite;
import io.veil.crypto.ZoneKeyStore;
import io.veil.ledger.EventType;
import io.veil.ledger.LedgerEntry;
import io.veil.ledger.LedgerEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * Child process of {@link CrashRecoveryTest}: appends from several threads until killed, printing
 * {@code ack <seq> <eventId>} for every append that returned (that is, was acknowledged as durable).
 * Args: ledger dir, keystore file, round number.
 */
public final class CrashingAppender {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        ZoneKeyStore keys = ZoneKeyStore.openOrCreate(Path.of(args[1]), "crash-test".toCharArray(), Suite.INTL);
        String round = args[2];
        EmbeddedLedger ledger = EmbeddedLedger.open(dir, CrashRecoveryTest.ORIGIN, Suite.INTL, keys.zoneSigningKey());
        System.out.println("opened " + ledger.size());
        System.out.flush();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int thread = t;
            threads[t] = new Thread(() -> {
                for (int i = 0; ; i++) {
                    String id = "r" + round + "-t" + thread + "-" + i;
                    LedgerEntry e = ledger.append(new LedgerEvent(id, EventType.USAGE_RECORDED, "zone-a", Instant.now(),
                            Map.of("job", "job-" + id), Map.of("rows", (long) i)));
                    synchronized (System.out) {
                        System.out.println("ack " + e.seq() + " " + id);
                        System.out.flush();
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
    }
}
