package io.veil.gateway.crosszone;

import io.veil.crypto.Suite;
import io.veil.crypto.ZoneKeyStore;
import io.veil.crypto.ca.CaDirectory;
import io.veil.crypto.ca.ZoneTier;
import io.veil.gateway.VeilApplication;
import io.veil.gateway.keys.ZoneKeys;
import io.veil.gateway.support.ApiClient;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two real gateways in one JVM (as federation's TwoZones): {@code zone-public} (PUBLIC) and
 * {@code zone-social} (SOCIAL), each with its own port, data directory, keystore, database and
 * ledger, each the other's peer, talking over mutual TLS with certificates of a test data-space CA.
 */
final class CrossZones implements AutoCloseable {
    static final String PASSWORD = "cross-zones-test";
    static final String PUBLIC = "zone-public";
    static final String SOCIAL = "zone-social";
    final int publicPort;
    final int socialPort;
    final ConfigurableApplicationContext publicZone;
    final ConfigurableApplicationContext socialZone;
    private final List<Path> dirs = new ArrayList<>();

    CrossZones() throws IOException {
        Path publicDir = Files.createTempDirectory("veil-xz-public-");
        Path socialDir = Files.createTempDirectory("veil-xz-social-");
        Path caDir = Files.createTempDirectory("veil-xz-ca-");
        dirs.addAll(List.of(publicDir, socialDir, caDir));
        String publicKey = publicKey(publicDir);
        String socialKey = publicKey(socialDir);
        CaDirectory ca = CaDirectory.init(caDir, Suite.INTL, "Veil data space CA", PASSWORD.toCharArray());
        ca.issue(PUBLIC, ZoneTier.PUBLIC, Duration.ofDays(1), List.of(), PASSWORD.toCharArray());
        ca.issue(SOCIAL, ZoneTier.SOCIAL, Duration.ofDays(1), List.of(), PASSWORD.toCharArray());
        publicPort = freePort();
        socialPort = freePort();
        int publicFed = freePort();
        int socialFed = freePort();
        Map<String, Object> pub = common(PUBLIC, "PUBLIC", publicPort, publicDir);
        tls(pub, publicFed, ca, PUBLIC, caDir);
        peer(pub, SOCIAL, "SOCIAL", socialFed, socialKey);
        Map<String, Object> soc = common(SOCIAL, "SOCIAL", socialPort, socialDir);
        tls(soc, socialFed, ca, SOCIAL, caDir);
        peer(soc, PUBLIC, "PUBLIC", publicFed, publicKey);
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

    private static void tls(Map<String, Object> m, int port, CaDirectory ca, String zone, Path caDir) {
        m.put("veil.federation.port", port);
        m.put("veil.federation.address", "127.0.0.1");
        m.put("veil.federation.tls.zone-keystore", ca.zoneKeystore(zone).toString());
        m.put("veil.federation.tls.zone-keystore-password", PASSWORD);
        m.put("veil.federation.tls.ca-certificate", caDir.resolve("ca.crt").toString());
        m.put("veil.federation.tls.crl", caDir.resolve("ca.crl").toString());
    }

    private static void peer(Map<String, Object> m, String zone, String tier, int port, String key) {
        String p = "veil.federation.peers[0].";
        m.put(p + "zone-id", zone);
        m.put(p + "tier", tier);
        m.put(p + "url", "https://127.0.0.1:" + port);
        m.put(p + "public-key", key);
    }

    private static ConfigurableApplicationContext start(Map<String, Object> props) {
        String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        return new SpringApplicationBuilder(VeilApplication.class).profiles("test").run(args);
    }

    private static String publicKey(Path dataDir) {
        ZoneKeyStore ks = ZoneKeyStore.openOrCreate(ZoneKeys.keystorePath(dataDir), PASSWORD.toCharArray(), Suite.INTL);
        return Base64.getEncoder().encodeToString(ks.zoneSigningKey().verifyingKey().encoded());
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
            for (Path d : dirs) {
                try (var files = Files.walk(d)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException e) {
                    // temporary directory
                }
            }
        }
    }
}
