package io.veil.gateway.federation;

import io.veil.crypto.Suite;
import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.keys.ZoneKeys;

import java.nio.file.Path;
import java.util.Base64;

/**
 * Prints the base64 SPKI of a zone's signing key — what a peer operator configures as
 * {@code veil.federation.peers[n].public-key}. Creates the zone keystore if it does not exist yet,
 * exactly as the gateway would on first start. Runs without Spring (used by deploy/local/run.sh):
 * <pre>java -cp veil-gateway-*-exec.jar -Dloader.main=io.veil.gateway.federation.ZoneKeyTool \
 *   org.springframework.boot.loader.launch.PropertiesLauncher DATA_DIR SUITE</pre>
 * The keystore password comes from the environment variable VEIL_ZONE_KEYSTORE_PASSWORD (never an
 * argument, so it does not show in the process list); unset means the local-only default.
 */
public final class ZoneKeyTool {
    private ZoneKeyTool() {}

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: ZoneKeyTool DATA_DIR INTL|GM");
            System.exit(2);
        }
        String password = System.getenv().getOrDefault("VEIL_ZONE_KEYSTORE_PASSWORD", "change-me-local-only");
        ZoneKeyStore keys = ZoneKeyStore.openOrCreate(ZoneKeys.keystorePath(Path.of(args[0])), password.toCharArray(),
                Suite.valueOf(args[1]));
        System.out.println(Base64.getEncoder().encodeToString(keys.zoneSigningKey().verifyingKey().encoded()));
    }
}
