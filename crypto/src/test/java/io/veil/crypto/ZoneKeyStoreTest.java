package io.veil.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ZoneKeyStoreTest {
    private static final char[] PASSWORD = "correct horse battery staple".toCharArray();
    private static final byte[] MESSAGE = "zone checkpoint".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("zones/tier1/keys.p12");
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void createsFileWithParentDirectoriesAndOwnerOnlyPermissions(Suite suite) throws Exception {
        ZoneKeyStore store = ZoneKeyStore.openOrCreate(file(), PASSWORD, suite);
        assertThat(store.suite()).isEqualTo(suite);
        assertThat(store.currentZoneKeyVersion()).isEqualTo("v1");
        assertThat(file()).isRegularFile();
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file()))).isEqualTo("rw-------");
        }
        try (var leftovers = Files.list(file().getParent())) {
            assertThat(leftovers).containsExactly(file()); // no temp files left behind
        }
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void reopeningGivesTheSameKeys(Suite suite) {
        ZoneKeyStore first = ZoneKeyStore.openOrCreate(file(), PASSWORD, suite);
        DataKey dataKey = DataKey.generate(suite);
        ZoneKeyStore.WrappedKey wrapped = first.wrap(dataKey);
        SigningKey org = first.orgSigningKey("org-A.1");

        ZoneKeyStore reopened = ZoneKeyStore.openOrCreate(file(), PASSWORD.clone(), suite);
        assertThat(reopened.unwrap(wrapped).exportForWorker()).isEqualTo(dataKey.exportForWorker());
        assertThat(reopened.zoneSigningKey().verifyingKey()).isEqualTo(first.zoneSigningKey().verifyingKey());
        assertThat(reopened.zoneSigningKey().verifyingKey().verify(MESSAGE, first.zoneSigningKey().sign(MESSAGE))).isTrue();
        assertThat(first.zoneSigningKey().verifyingKey().verify(MESSAGE, reopened.zoneSigningKey().sign(MESSAGE))).isTrue();
        assertThat(reopened.orgSigningKey("org-A.1").verifyingKey()).isEqualTo(org.verifyingKey());
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void wrapUnwrapRoundTripsAndRejectsTampering(Suite suite) {
        ZoneKeyStore store = ZoneKeyStore.openOrCreate(file(), PASSWORD, suite);
        DataKey dataKey = DataKey.generate(suite);
        ZoneKeyStore.WrappedKey wrapped = store.wrap(dataKey);
        assertThat(wrapped.zoneKeyVersion()).isEqualTo("v1");
        assertThat(store.unwrap(wrapped).exportForWorker()).isEqualTo(dataKey.exportForWorker());
        byte[] tampered = wrapped.ciphertext().clone();
        tampered[tampered.length - 1] ^= 1;
        assertThatThrownBy(() -> store.unwrap(new ZoneKeyStore.WrappedKey("v1", tampered)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.unwrap(new ZoneKeyStore.WrappedKey("v9", wrapped.ciphertext())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.unwrap(new ZoneKeyStore.WrappedKey("1", wrapped.ciphertext())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void rejectsDataKeyOfOtherSuite(Suite suite) {
        ZoneKeyStore store = ZoneKeyStore.openOrCreate(file(), PASSWORD, suite);
        Suite other = suite == Suite.INTL ? Suite.GM : Suite.INTL;
        assertThatThrownBy(() -> store.wrap(DataKey.generate(other))).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void rotateThenRewrapKeepsEveryWrappedKeyUsable(Suite suite) {
        ZoneKeyStore store = ZoneKeyStore.openOrCreate(file(), PASSWORD, suite);
        DataKey dataKey = DataKey.generate(suite);
        ZoneKeyStore.WrappedKey v1 = store.wrap(dataKey);

        assertThat(store.rotate()).isEqualTo("v2");
        assertThat(store.currentZoneKeyVersion()).isEqualTo("v2");
        assertThat(store.unwrap(v1).exportForWorker()).isEqualTo(dataKey.exportForWorker());

        ZoneKeyStore.WrappedKey v2 = store.rewrap(v1);
        assertThat(v2.zoneKeyVersion()).isEqualTo("v2");
        assertThat(v2.ciphertext()).isNotEqualTo(v1.ciphertext());
        assertThat(store.unwrap(v2).exportForWorker()).isEqualTo(dataKey.exportForWorker());
        assertThat(store.rewrap(v2)).isSameAs(v2);
        // A v1 ciphertext relabelled as v2 does not open: the version is bound into the wrap.
        assertThatThrownBy(() -> store.unwrap(new ZoneKeyStore.WrappedKey("v2", v1.ciphertext())))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(store.rotate()).isEqualTo("v3");
        ZoneKeyStore reopened = ZoneKeyStore.openOrCreate(file(), PASSWORD, suite);
        assertThat(reopened.currentZoneKeyVersion()).isEqualTo("v3");
        assertThat(reopened.unwrap(v1).exportForWorker()).isEqualTo(dataKey.exportForWorker());
        assertThat(reopened.unwrap(v2).exportForWorker()).isEqualTo(dataKey.exportForWorker());
        assertThat(reopened.wrap(dataKey).zoneKeyVersion()).isEqualTo("v3");
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void orgKeysAreCreatedOncePerOrgAndPersist(Suite suite) {
        ZoneKeyStore store = ZoneKeyStore.openOrCreate(file(), PASSWORD, suite);
        SigningKey a = store.orgSigningKey("acme");
        SigningKey b = store.orgSigningKey("Acme");
        assertThat(store.orgSigningKey("acme")).isSameAs(a);
        assertThat(a.verifyingKey()).isNotEqualTo(b.verifyingKey());
        assertThat(a.verifyingKey()).isNotEqualTo(store.zoneSigningKey().verifyingKey());
        assertThat(a.suite()).isEqualTo(suite);

        ZoneKeyStore reopened = ZoneKeyStore.openOrCreate(file(), PASSWORD, suite);
        assertThat(reopened.orgSigningKey("acme").verifyingKey()).isEqualTo(a.verifyingKey());
        assertThat(reopened.orgSigningKey("Acme").verifyingKey()).isEqualTo(b.verifyingKey());
        assertThat(a.verifyingKey().verify(MESSAGE, reopened.orgSigningKey("acme").sign(MESSAGE))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void rejectsInvalidOrgIds(Suite suite) {
        ZoneKeyStore store = ZoneKeyStore.openOrCreate(file(), PASSWORD, suite);
        for (String bad : new String[] {"", "a/b", "../x", "a b", "ü", "x".repeat(65), null}) {
            assertThatThrownBy(() -> store.orgSigningKey(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(store.orgSigningKey("x".repeat(64))).isNotNull();
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void wrongPasswordFailsClearly(Suite suite) {
        ZoneKeyStore.openOrCreate(file(), PASSWORD, suite);
        assertThatThrownBy(() -> ZoneKeyStore.openOrCreate(file(), "wrong".toCharArray(), suite))
                .isInstanceOf(ZoneKeyStore.WrongPasswordException.class)
                .hasMessageContaining("wrong password");
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void refusesToOpenWithTheOtherSuite(Suite suite) {
        ZoneKeyStore.openOrCreate(file(), PASSWORD, suite);
        Suite other = suite == Suite.INTL ? Suite.GM : Suite.INTL;
        assertThatThrownBy(() -> ZoneKeyStore.openOrCreate(file(), PASSWORD, other))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("suite");
    }

    @Test
    void rejectsEmptyPassword() {
        assertThatThrownBy(() -> ZoneKeyStore.openOrCreate(file(), new char[0], Suite.INTL))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void corruptFileIsReportedNotMistakenForWrongPassword() throws Exception {
        Files.createDirectories(file().getParent());
        Files.write(file(), new byte[] {0x30, 0x03, 1, 2, 3});
        assertThatThrownBy(() -> ZoneKeyStore.openOrCreate(file(), PASSWORD, Suite.INTL))
                .isInstanceOf(java.io.UncheckedIOException.class);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void concurrentWrapUnwrapAndRotateAreSafe(Suite suite) throws Exception {
        ZoneKeyStore store = ZoneKeyStore.openOrCreate(file(), PASSWORD, suite);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            Set<String> versions = ConcurrentHashMap.newKeySet();
            for (int t = 0; t < 16; t++) {
                int id = t;
                tasks.add(() -> {
                    for (int i = 0; i < 50; i++) {
                        if (id == 0 && i % 10 == 0) {
                            versions.add(store.rotate());
                        }
                        if (id == 1 && i % 10 == 0) {
                            store.orgSigningKey("org-" + i);
                        }
                        DataKey dk = DataKey.generate(suite);
                        ZoneKeyStore.WrappedKey w = store.wrap(dk);
                        assertThat(store.unwrap(w).exportForWorker()).isEqualTo(dk.exportForWorker());
                        assertThat(store.unwrap(store.rewrap(w)).exportForWorker()).isEqualTo(dk.exportForWorker());
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
            assertThat(versions).hasSize(5);
            assertThat(store.currentZoneKeyVersion()).isEqualTo("v6");
            ZoneKeyStore reopened = ZoneKeyStore.openOrCreate(file(), PASSWORD, suite);
            assertThat(reopened.currentZoneKeyVersion()).isEqualTo("v6");
            assertThat(reopened.orgSigningKey("org-40").verifyingKey()).isEqualTo(store.orgSigningKey("org-40").verifyingKey());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void intlKeystoreOpensWithTheJdkKeyStore() throws Exception {
        ZoneKeyStore store = ZoneKeyStore.openOrCreate(file(), PASSWORD, Suite.INTL);
        store.orgSigningKey("acme");
        KeyStore jdk = KeyStore.getInstance("PKCS12", "SUN");
        try (InputStream in = Files.newInputStream(file())) {
            jdk.load(in, PASSWORD);
        }
        SecretKey kek = (SecretKey) jdk.getKey("zone-kek-v1", PASSWORD);
        assertThat(kek.getAlgorithm()).isEqualTo("AES");
        assertThat(kek.getEncoded()).hasSize(32);
        PrivateKey signing = (PrivateKey) jdk.getKey("zone-sign", PASSWORD);
        assertThat(signing.getAlgorithm()).isIn("Ed25519", "EdDSA");
        assertThat(jdk.getCertificate("zone-sign").getPublicKey().getEncoded())
                .isEqualTo(store.zoneSigningKey().verifyingKey().encoded());
        assertThat(jdk.isKeyEntry("org-sign-acme")).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void keystoreCertificatesAreSelfSignedWithTheSuiteAlgorithm(Suite suite) throws Exception {
        ZoneKeyStore.openOrCreate(file(), PASSWORD, suite);
        Pkcs12Codec.Entry entry = Pkcs12Codec.decode(Files.readAllBytes(file()), PASSWORD).entries().get("zone-sign");
        var verifier = new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
                .setProvider(Providers.bc()).build(entry.certificate());
        assertThat(entry.certificate().isSignatureValid(verifier)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void toStringShowsNoKeyMaterial(Suite suite) {
        ZoneKeyStore store = ZoneKeyStore.openOrCreate(file(), PASSWORD, suite);
        assertThat(store.toString()).doesNotContain(new String(PASSWORD)).contains("v1");
    }
}
