package io.veil.gateway.products;

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
 * Real gateways in one JVM, each with its own ports, data directory, keystore, database and ledger,
 * talking over mutual TLS with certificates of a test data-space CA: {@code zone-public} (PUBLIC),
 * {@code zone-social} (SOCIAL) and {@code zone-social-two} (SOCIAL), which the public zone trusts
 * but which is only started when a test asks ({@link #startSocialTwo()}) — until then it is an
 * unreachable tier-2 peer.
 */
final class ProductZones implements AutoCloseable {
    static final String PASSWORD = "product-zones-test";
    static final String PUBLIC = "zone-public";
    static final String SOCIAL = "zone-social";
    static final String SOCIAL_TWO = "zone-social-two";
    final int publicPort;
    final int socialPort;
    final ConfigurableApplicationContext publicZone;
    final ConfigurableApplicationContext socialZone;
    ConfigurableApplicationContext socialTwoZone;
    private final Map<String, Object> socialTwoConfig;
    private final List<Path> dirs = new ArrayList<>();

    ProductZones() throws IOException {
        Path caDir = Files.createTempDirectory("veil-dp-ca-");
        dirs.add(caDir);
        CaDirectory ca = CaDirectory.init(caDir, Suite.INTL, "Veil data space CA", PASSWORD.toCharArray());
        Map<String, Zone> z = new LinkedHashMap<>();
        for (String[] spec : new String[][]{{PUBLIC, "PUBLIC"}, {SOCIAL, "SOCIAL"}, {SOCIAL_TWO, "SOCIAL"}}) {
            Path dir = Files.createTempDirectory("veil-dp-" + spec[0] + "-");
            dirs.add(dir);
            ca.issue(spec[0], ZoneTier.valueOf(spec[1]), Duration.ofDays(1), List.of(), PASSWORD.toCharArray());
            z.put(spec[0], new Zone(spec[0], spec[1], dir, freePort(), freePort(), publicKey(dir)));
        }
        Map<String, Object> pub = config(z.get(PUBLIC), ca, caDir, List.of(z.get(SOCIAL), z.get(SOCIAL_TWO)));
        Map<String, Object> soc = config(z.get(SOCIAL), ca, caDir, List.of(z.get(PUBLIC)));
        socialTwoConfig = config(z.get(SOCIAL_TWO), ca, caDir, List.of(z.get(PUBLIC)));
        publicPort = z.get(PUBLIC).port;
        socialPort = z.get(SOCIAL).port;
        ConfigurableApplicationContext p = start(pub);
        try {
            socialZone = start(soc);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        publicZone = p;
    }

    private record Zone(String id, String tier, Path dir, int port, int federationPort, String key) {}

    ApiClient publicApi() {
        return new ApiClient(publicPort);
    }

    ApiClient socialApi() {
        return new ApiClient(socialPort);
    }

    void startSocialTwo() {
        if (socialTwoZone == null) socialTwoZone = start(socialTwoConfig);
    }

    private static Map<String, Object> config(Zone z, CaDirectory ca, Path caDir, List<Zone> peers) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server.port", z.port);
        m.put("veil.data-dir", z.dir.toString());
        m.put("veil.zone.id", z.id);
        m.put("veil.zone.tier", z.tier);
        m.put("veil.zone.keystore-password", PASSWORD);
        m.put("veil.identity.embedded", true);
        m.put("veil.identity.issuer", "http://localhost/veil-test-issuer");
        m.put("veil.demo.enabled", false);
        m.put("veil.federation.sync-interval-ms", 0);
        m.put("veil.products.delivery-interval-ms", 0); // the tests drive retries
        m.put("veil.federation.port", z.federationPort);
        m.put("veil.federation.address", "127.0.0.1");
        m.put("veil.federation.tls.zone-keystore", ca.zoneKeystore(z.id).toString());
        m.put("veil.federation.tls.zone-keystore-password", PASSWORD);
        m.put("veil.federation.tls.ca-certificate", caDir.resolve("ca.crt").toString());
        m.put("veil.federation.tls.crl", caDir.resolve("ca.crl").toString());
        for (int i = 0; i < peers.size(); i++) {
            String p = "veil.federation.peers[" + i + "].";
            m.put(p + "zone-id", peers.get(i).id);
            m.put(p + "tier", peers.get(i).tier);
            m.put(p + "url", "https://127.0.0.1:" + peers.get(i).federationPort);
            m.put(p + "public-key", peers.get(i).key);
        }
        return m;
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
            if (socialTwoZone != null) socialTwoZone.close();
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
