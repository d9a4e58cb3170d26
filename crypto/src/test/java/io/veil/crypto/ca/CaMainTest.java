package io.veil.crypto.ca;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.crypto.Suite;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class CaMainTest {
    private static final Map<String, String> ENV = Map.of("VEIL_CA_PASSWORD", "ca-password-123", "VEIL_ZONE_PASSWORD", "zone-password-456");

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return CaMain.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void initIssueRevokeAndVerifyThroughTheCommandLine(Suite suite) throws Exception {
        Path dir = tmp.resolve("ca");
        assertThat(run(ENV, "init", "--dir", dir.toString(), "--suite", suite.name())).isZero();
        assertThat(run(ENV, "issue", "--dir", dir.toString(), "--zone", "public-zone", "--tier", "PUBLIC", "--dns", "pz.example")).isZero();
        assertThat(run(ENV, "issue", "--dir", dir.toString(), "--zone", "social-zone", "--tier", "SOCIAL", "--days", "30")).isZero();
        assertThat(run(ENV, "verify", "--dir", dir.toString(), "--zone", "public-zone")).isZero();

        DataSpaceTrust trust = CaDirectory.loadTrust(dir.resolve("ca.crt"), dir.resolve("ca.crl"));
        assertThat(trust.suite()).isEqualTo(suite);
        ZoneCredential social = ZoneCredential.fromPkcs12(suite, Files.readAllBytes(dir.resolve("zones/social-zone.p12")),
                ENV.get("VEIL_ZONE_PASSWORD").toCharArray());
        assertThat(trust.check(social.certificate(), Instant.now()).tier()).contains(ZoneTier.SOCIAL);

        assertThat(run(ENV, "revoke", "--dir", dir.toString(), "--zone", "social-zone")).isZero();
        assertThat(run(ENV, "verify", "--dir", dir.toString(), "--zone", "social-zone")).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("social-zone: REVOKED");
        DataSpaceTrust reloaded = CaDirectory.loadTrust(dir.resolve("ca.crt"), dir.resolve("ca.crl"));
        assertThat(reloaded.check(social.certificate(), Instant.now()).status()).isEqualTo(CertificateCheck.Status.REVOKED);
        assertThat(reloaded.check(CaDirectory.open(dir, ENV.get("VEIL_CA_PASSWORD").toCharArray()).readZoneCertificate("public-zone"),
                Instant.now()).valid()).isTrue();

        // a revoked zone may be re-issued; revocations survive reopening the CA
        assertThat(run(ENV, "issue", "--dir", dir.toString(), "--zone", "social-zone", "--tier", "SOCIAL")).isZero();
        assertThat(run(ENV, "crl", "--dir", dir.toString())).isZero();
        assertThat(CaDirectory.loadTrust(dir.resolve("ca.crt"), dir.resolve("ca.crl")).check(social.certificate(), Instant.now()).status())
                .isEqualTo(CertificateCheck.Status.REVOKED);

        assertThat(Files.getPosixFilePermissions(dir.resolve("ca.p12"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("zones/public-zone.p12"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertThat(printed).doesNotContain(ENV.get("VEIL_CA_PASSWORD")).doesNotContain(ENV.get("VEIL_ZONE_PASSWORD"));
    }

    @Test
    void intlZoneKeystoreOpensWithTheJdkKeystore() throws Exception {
        Path dir = tmp.resolve("ca");
        assertThat(run(ENV, "init", "--dir", dir.toString(), "--suite", "INTL")).isZero();
        assertThat(run(ENV, "issue", "--dir", dir.toString(), "--zone", "public-zone", "--tier", "PUBLIC")).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(dir.resolve("zones/public-zone.p12"))) {
            ks.load(in, ENV.get("VEIL_ZONE_PASSWORD").toCharArray());
        }
        assertThat(ks.getProvider().getName()).isEqualTo("SUN");
        assertThat(ks.isKeyEntry(ZoneCredential.ALIAS)).isTrue();
        assertThat(ks.getCertificateChain(ZoneCredential.ALIAS)).hasSize(2);
    }

    @Test
    void refusesWhatItShould() throws Exception {
        Path dir = tmp.resolve("ca");
        String d = dir.toString();
        assertThat(run(Map.of(), "init", "--dir", d, "--suite", "INTL")).isEqualTo(2);
        assertThat(run(ENV, "init", "--dir", d, "--suite", "RSA")).isEqualTo(2);
        assertThat(run(ENV, "init", "--suite", "INTL")).isEqualTo(2);
        assertThat(run(ENV, "frobnicate", "--dir", d)).isEqualTo(2);
        assertThat(run(ENV, "init", "--dir", d, "--suite", "INTL", "--colour", "red")).isEqualTo(2);
        assertThat(run(ENV, "init", "--dir", d, "--suite", "INTL")).isZero();
        assertThat(run(ENV, "init", "--dir", d, "--suite", "INTL")).isEqualTo(1);
        assertThat(run(ENV, "issue", "--dir", d, "--zone", "z1", "--tier", "CENTRAL")).isEqualTo(2);
        assertThat(run(ENV, "issue", "--dir", d, "--zone", "z1", "--tier", "PUBLIC", "--days", "many")).isEqualTo(2);
        assertThat(run(ENV, "issue", "--dir", d, "--zone", "z1", "--tier", "PUBLIC", "--days", "900")).isEqualTo(1);
        assertThat(run(ENV, "issue", "--dir", d, "--zone", "../evil", "--tier", "PUBLIC")).isEqualTo(1);
        assertThat(run(ENV, "issue", "--dir", d, "--zone", "z1", "--tier", "PUBLIC")).isZero();
        assertThat(run(ENV, "issue", "--dir", d, "--zone", "z1", "--tier", "PUBLIC")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unrevoked");
        assertThat(run(ENV, "revoke", "--dir", d, "--zone", "nobody")).isEqualTo(1);
        Map<String, String> wrong = Map.of("VEIL_CA_PASSWORD", "not-the-password", "VEIL_ZONE_PASSWORD", "whatever-123");
        assertThat(run(wrong, "revoke", "--dir", d, "--zone", "z1")).isEqualTo(1);
        assertThat(run(ENV, "verify", "--dir", d, "--zone", "z1")).isZero();
    }

    @Test
    void refusesToKeepKeysInsideAGitWorkTree() throws Exception {
        Path repo = tmp.resolve("repo");
        Files.createDirectories(repo.resolve(".git"));
        assertThat(run(ENV, "init", "--dir", repo.resolve("deploy/ca").toString(), "--suite", "INTL")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("git work tree");
        assertThat(Files.exists(repo.resolve("deploy/ca/ca.p12"))).isFalse();
    }
}
