package io.veil.gateway.support;

import io.veil.crypto.Suite;
import io.veil.crypto.ZoneKeyStore;
import io.veil.crypto.ca.CaDirectory;
import io.veil.crypto.ca.ZoneTier;
import io.veil.gateway.VeilApplication;
import io.veil.gateway.keys.ZoneKeys;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Real gateways in one JVM for the two-zone tests: a test data-space CA, and per zone its own ports,
 * data directory, keystore, database and ledger, a CA-issued certificate for the mutual-TLS zone-to-zone
 * API and the configuration that names its peers. Closing it stops every started zone (last first) and
 * deletes the temporary directories.
 */
public final class ZoneNetwork implements AutoCloseable {
    private final String password;
    private final Path caDir;
    private final CaDirectory ca;
    private final List<Path> dirs = new ArrayList<>();
    private final List<ConfigurableApplicationContext> started = new ArrayList<>();

    /** A zone as configured (not yet started). */
    public record Zone(String id, String tier, Path dir, int port, int federationPort, String key) {
        public Peer asPeer() {
            return new Peer(id, tier, federationPort, key);
        }
    }

    /** A peer entry in a zone's configuration: a real zone, or one the test drives with its own key. */
    public record Peer(String id, String tier, int federationPort, String key) {}

    public ZoneNetwork(String password) throws IOException {
        this.password = password;
        this.caDir = tempDir("veil-ca-");
        this.ca = CaDirectory.init(caDir, Suite.INTL, "Veil data space CA", password.toCharArray());
    }

    public CaDirectory ca() {
        return ca;
    }

    public Path caDir() {
        return caDir;
    }

    /** A new zone: data directory (with its zone keystore), CA certificate, free ports. */
    public Zone zone(String id, String tier) throws IOException {
        Path dir = tempDir("veil-" + id + "-");
        ca.issue(id, ZoneTier.valueOf(tier), Duration.ofDays(1), List.of(), password.toCharArray());
        ZoneKeyStore ks = ZoneKeyStore.openOrCreate(ZoneKeys.keystorePath(dir), password.toCharArray(), Suite.INTL);
        return new Zone(id, tier, dir, freePort(), freePort(), b64(ks.zoneSigningKey().verifyingKey().encoded()));
    }

    /** The zone's configuration: embedded identity, no demo data, no background catalog sync, mTLS, its peers. */
    public Map<String, Object> config(Zone z, List<Peer> peers) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server.port", z.port());
        m.put("veil.data-dir", z.dir().toString());
        m.put("veil.zone.id", z.id());
        m.put("veil.zone.tier", z.tier());
        m.put("veil.zone.keystore-password", password);
        m.put("veil.identity.embedded", true);
        m.put("veil.identity.issuer", "http://localhost/veil-test-issuer");
        m.put("veil.demo.enabled", false);
        m.put("veil.federation.sync-interval-ms", 0);
        m.put("veil.federation.port", z.federationPort());
        m.put("veil.federation.address", "127.0.0.1");
        m.put("veil.federation.tls.zone-keystore", ca.zoneKeystore(z.id()).toString());
        m.put("veil.federation.tls.zone-keystore-password", password);
        m.put("veil.federation.tls.ca-certificate", caDir.resolve("ca.crt").toString());
        m.put("veil.federation.tls.crl", caDir.resolve("ca.crl").toString());
        for (int i = 0; i < peers.size(); i++) {
            String p = "veil.federation.peers[" + i + "].";
            m.put(p + "zone-id", peers.get(i).id());
            m.put(p + "tier", peers.get(i).tier());
            m.put(p + "url", "https://127.0.0.1:" + peers.get(i).federationPort());
            m.put(p + "public-key", peers.get(i).key());
        }
        return m;
    }

    /** Starts a zone; on failure the zones started before stay owned by this network and close with it. */
    public ConfigurableApplicationContext start(Map<String, Object> props) {
        // As command-line arguments: builder properties are only defaults, below application.yml.
        String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        ConfigurableApplicationContext c = new SpringApplicationBuilder(VeilApplication.class).profiles("test").run(args);
        started.add(c);
        return c;
    }

    public static String b64(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path tempDir(String prefix) throws IOException {
        Path d = Files.createTempDirectory(prefix);
        dirs.add(d);
        return d;
    }

    @Override
    public void close() {
        try {
            for (int i = started.size() - 1; i >= 0; i--) started.get(i).close();
        } finally {
            for (Path d : dirs) {
                try (var files = Files.walk(d)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException e) {
                    // temporary directory; leaving it behind is harmless
                }
            }
        }
    }
}
