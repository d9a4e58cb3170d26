package io.veil.gateway.ledger;

import io.veil.crypto.VerifyingKey;
import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.keys.ZoneKeys;
import io.veil.ledger.TamperFinding;
import io.veil.ledger.embedded.EmbeddedLedger;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code bash deploy/local/verify-ledger.sh <data-dir>}: checks a stopped zone's embedded
 * ledger offline (every frame, entry signature, committed root and the checkpoint, against the
 * zone's own signing key) and prints each finding. Exit 0 intact, 1 tampered, 2 usage.
 * Deliberately no Spring context: the check must not depend on the node being able to start.
 */
public final class VerifyLedgerCommand {
    private VerifyLedgerCommand() {}

    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: verify-ledger <data-dir> [keystore-password]  (password also from VEIL_ZONE_KEYSTORE_PASSWORD)");
            System.exit(2);
        }
        String password = args.length == 2 ? args[1]
                : System.getenv().getOrDefault("VEIL_ZONE_KEYSTORE_PASSWORD", "change-me-local-only");
        System.exit(run(Path.of(args[0]), password, System.out));
    }

    static int run(Path dataDir, String keystorePassword, PrintStream out) {
        Path keystore = ZoneKeys.keystorePath(dataDir);
        Path ledger = dataDir.resolve("ledger");
        if (!keystore.toFile().isFile() || !ledger.toFile().isDirectory()) {
            out.println("no zone keystore or ledger under " + dataDir);
            return 2;
        }
        ZoneKeyStore keys = null;
        for (var suite : io.veil.crypto.Suite.values()) {
            try {
                keys = ZoneKeyStore.openOrCreate(keystore, keystorePassword.toCharArray(), suite);
                break;
            } catch (IllegalStateException wrongSuiteOrPassword) {
                // try the other suite; a wrong password fails for both
            }
        }
        if (keys == null) {
            out.println("cannot open the zone keystore (wrong password?)");
            return 2;
        }
        VerifyingKey zoneKey = keys.zoneSigningKey().verifyingKey();
        List<TamperFinding> findings = EmbeddedLedger.verify(ledger, List.of(zoneKey));
        if (findings.isEmpty()) {
            out.println("ledger intact: " + ledger);
            return 0;
        }
        out.println("ledger TAMPERED: " + findings.size() + " finding(s)");
        findings.forEach(f -> out.println("  " + f));
        return 1;
    }
}
