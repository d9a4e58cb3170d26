package io.veil.gateway.federation;

import io.veil.crypto.SigningKey;
import io.veil.crypto.Suite;
import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.VeilApplication;
import io.veil.gateway.keys.ZoneKeys;
import io.veil.gateway.support.ApiClient;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two real gateways in one JVM, each with its own port, data directory, keystore, database and
 * ledger: {@code zone-public} (PUBLIC) and {@code zone-social} (SOCIAL), each the other's peer.
 * The public zone additionally trusts a test-driven zone ({@code zone-tester}, whose key the test
 * holds) and lists {@code zone-revoked} as a revoked peer.
 */
final class TwoZones implements AutoCloseable {
    static final String PASSWORD = "two-zones-test";
    static final String PUBLIC = "zone-public";
    static final String SOCIAL = "zone-social";
    static final String TESTER = "zone-tester";
    static final String REVOKED = "zone-revoked";

    final SigningKey testerKey = SigningKey.generate(Suite.INTL);
    final SigningKey revokedKey = SigningKey.generate(Suite.INTL);
    final int publicPort;
    final int socialPort;
    final ConfigurableApplicationContext publicZone;
    final ConfigurableApplicationContext socialZone;
    final List<Path> dirs = new ArrayList<>();

    TwoZones() throws IOException {
        Path publicDir = Files.createTempDirectory("veil-zone-public-");
        Path socialDir = Files.createTempDirectory("veil-zone-social-");
        dirs.add(publicDir);
        dirs.add(socialDir);
        String publicKey = publicKey(publicDir);
        String socialKey = publicKey(socialDir);
        publicPort = freePort();
        socialPort = freePort();
        Map<String, Object> pub = common(PUBLIC, "PUBLIC", publicPort, publicDir);
        peer(pub, 0, SOCIAL, "SOCIAL", socialPort, socialKey);
        peer(pub, 1, TESTER, "SOCIAL", freePort(), b64(testerKey));
        peer(pub, 2, REVOKED, "SOCIAL", freePort(), b64(revokedKey));
        pub.put("veil.federation.revoked-zones[0]", REVOKED);
        Map<String, Object> soc = common(SOCIAL, "SOCIAL", socialPort, socialDir);
        peer(soc, 0, PUBLIC, "PUBLIC", publicPort, publicKey);
        ConfigurableApplicationContext p = start(pub);
        try {
            socialZone = start(soc);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        publicZone = p;
    }

    ApiClient publicApi() {
        return new ApiClient(publicPort);
    }

    ApiClient socialApi() {
        return new ApiClient(socialPort);
    }

    <T> T publicBean(Class<T> type) {
        return publicZone.getBean(type);
    }

    <T> T socialBean(Class<T> type) {
        return socialZone.getBean(type);
    }

    private static Map<String, Object> common(String zone, String tier, int port, Path dir) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server.port", port);
        m.put("veil.data-dir", dir.toString());
        m.put("veil.zone.id", zone);
        m.put("veil.zone.tier", tier);
        m.put("veil.zone.keystore-password", PASSWORD);
        m.put("veil.identity.embedded", true);
        m.put("veil.identity.issuer", "http://localhost/veil-test-issuer");
        m.put("veil.demo.enabled", false);
        m.put("veil.federation.sync-interval-ms", 0);
        return m;
    }

    private static void peer(Map<String, Object> m, int i, String zone, String tier, int port, String key) {
        String p = "veil.federation.peers[" + i + "].";
        m.put(p + "zone-id", zone);
        m.put(p + "tier", tier);
        m.put(p + "url", "http://127.0.0.1:" + port);
        m.put(p + "public-key", key);
    }

    private static ConfigurableApplicationContext start(Map<String, Object> props) {
        // As command-line arguments: builder properties are only defaults, below application.yml.
        String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        return new SpringApplicationBuilder(VeilApplication.class).profiles("test").run(args);
    }

    private static String publicKey(Path dataDir) {
        ZoneKeyStore ks = ZoneKeyStore.openOrCreate(ZoneKeys.keystorePath(dataDir), PASSWORD.toCharArray(), Suite.INTL);
        return b64(ks.zoneSigningKey());
    }

    static String b64(SigningKey k) {
        return Base64.getEncoder().encodeToString(k.verifyingKey().encoded());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        try {
            socialZone.close();
            publicZone.close();
        } finally {
            for (Path d : dirs) deleteQuietly(d);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // temporary directory; leaving it behind is harmless
        }
    }
}
