package io.veil.gateway.federation;

import io.veil.crypto.SigningKey;
import io.veil.crypto.Suite;
import io.veil.crypto.ZoneKeyStore;
import io.veil.crypto.ca.CaDirectory;
import io.veil.crypto.ca.DataSpaceCa;
import io.veil.crypto.ca.DataSpaceTrust;
import io.veil.crypto.ca.ZoneCredential;
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
 * Two real gateways in one JVM, each with its own port, data directory, keystore, database and
 * ledger: {@code zone-public} (PUBLIC) and {@code zone-social} (SOCIAL), each the other's peer.
 * The zone-to-zone API runs on a second port over mutual TLS with certificates from a test
 * data-space CA. The public zone additionally trusts test-driven zones ({@code zone-tester},
 * {@code zone-tester-two}, whose keys the test holds) and lists {@code zone-revoked} as a revoked
 * peer, whose certificate is also revoked in the CA's CRL.
 */
final class TwoZones implements AutoCloseable {
    static final String PASSWORD = "two-zones-test";
    static final String PUBLIC = "zone-public";
    static final String SOCIAL = "zone-social";
    static final String TESTER = "zone-tester";
    static final String REVOKED = "zone-revoked";

    static final String TESTER_2 = "zone-tester-two";

    final SigningKey testerKey = SigningKey.generate(Suite.INTL);
    final SigningKey tester2Key = SigningKey.generate(Suite.INTL);
    final SigningKey revokedKey = SigningKey.generate(Suite.INTL);
    final int publicPort;
    final int socialPort;
    final int publicFederationPort;
    final int socialFederationPort;
    /** The data-space CA's trust (certificate + CRL) and credentials it issued to the test's zones. */
    final DataSpaceTrust trust;
    final ZoneCredential testerCredential;
    final ZoneCredential revokedCredential;
    /** Same CA name, different key: a stranger's CA. */
    final ZoneCredential foreignCredential;
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
        Path caDir = Files.createTempDirectory("veil-ca-");
        dirs.add(caDir);
        CaDirectory ca = CaDirectory.init(caDir, Suite.INTL, "Veil data space CA", PASSWORD.toCharArray());
        ca.issue(PUBLIC, ZoneTier.PUBLIC, Duration.ofDays(1), List.of(), PASSWORD.toCharArray());
        ca.issue(SOCIAL, ZoneTier.SOCIAL, Duration.ofDays(1), List.of(), PASSWORD.toCharArray());
        testerCredential = ca.issue(TESTER, ZoneTier.SOCIAL, Duration.ofDays(1), List.of(), PASSWORD.toCharArray());
        revokedCredential = ca.issue(REVOKED, ZoneTier.SOCIAL, Duration.ofDays(1), List.of(), PASSWORD.toCharArray());
        ca.revoke(REVOKED);
        trust = CaDirectory.loadTrust(caDir.resolve("ca.crt"), caDir.resolve("ca.crl"));
        foreignCredential = DataSpaceCa.create(Suite.INTL, "Veil data space CA").issue(TESTER, ZoneTier.SOCIAL);
        publicPort = freePort();
        socialPort = freePort();
        publicFederationPort = freePort();
        socialFederationPort = freePort();
        Map<String, Object> pub = common(PUBLIC, "PUBLIC", publicPort, publicDir);
        tls(pub, publicFederationPort, ca, PUBLIC, caDir);
        peer(pub, 0, SOCIAL, "SOCIAL", socialFederationPort, socialKey);
        peer(pub, 1, TESTER, "SOCIAL", freePort(), b64(testerKey));
        peer(pub, 2, REVOKED, "SOCIAL", freePort(), b64(revokedKey));
        peer(pub, 3, TESTER_2, "SOCIAL", freePort(), b64(tester2Key));
        pub.put("veil.federation.revoked-zones[0]", REVOKED);
        Map<String, Object> soc = common(SOCIAL, "SOCIAL", socialPort, socialDir);
        tls(soc, socialFederationPort, ca, SOCIAL, caDir);
        peer(soc, 0, PUBLIC, "PUBLIC", publicFederationPort, publicKey);
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

    private static void peer(Map<String, Object> m, int i, String zone, String tier, int port, String key) {
        String p = "veil.federation.peers[" + i + "].";
        m.put(p + "zone-id", zone);
        m.put(p + "tier", tier);
        m.put(p + "url", "https://127.0.0.1:" + port);
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
