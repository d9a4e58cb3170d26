package io.veil.crypto.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.crypto.Suite;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DataSpaceCaTest {
    @ParameterizedTest
    @EnumSource(Suite.class)
    void issuedZoneCertificateChainsToTheCaWithTheZoneProfile(Suite suite) throws Exception {
        DataSpaceCa ca = DataSpaceCa.create(suite, "Test CA");
        ZoneCredential z = ca.issue("public-zone", ZoneTier.PUBLIC, Duration.ofDays(30), List.of("zone1.example"));
        CertificateCheck c = ca.trust().check(z.certificate(), Instant.now());
        assertThat(c.status()).isEqualTo(CertificateCheck.Status.VALID);
        assertThat(c.zoneId()).contains("public-zone");
        assertThat(c.tier()).contains(ZoneTier.PUBLIC);

        X509Certificate cert = z.certificate();
        X509Certificate root = ca.certificate();
        assertThat(cert.getVersion()).isEqualTo(3);
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(cert.getSubjectAlternativeNames()).extracting(l -> l.get(1).toString())
                .contains("localhost", "127.0.0.1", "zone1.example");
        assertThat(cert.getNotAfter().toInstant()).isBefore(Instant.now().plus(Duration.ofDays(30)).plusSeconds(60));
        assertThat(cert.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
        assertThat(root.getBasicConstraints()).isEqualTo(0);
        boolean[] ku = root.getKeyUsage();
        assertThat(ku[5]).as("keyCertSign").isTrue();
        assertThat(ku[6]).as("cRLSign").isTrue();
        assertThat(ku[0]).as("digitalSignature").isFalse();
        assertThat(z.caCertificate()).isEqualTo(root);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void expiredAndNotYetValidCertificatesAreRefused(Suite suite) {
        DataSpaceCa ca = DataSpaceCa.create(suite, "Test CA");
        ZoneCredential z = ca.issue("social-zone", ZoneTier.SOCIAL, Duration.ofDays(10), List.of());
        DataSpaceTrust trust = ca.trust();
        assertThat(trust.check(z.certificate(), Instant.now().plus(Duration.ofDays(11))).status())
                .isEqualTo(CertificateCheck.Status.EXPIRED);
        assertThat(trust.check(z.certificate(), Instant.now().minus(Duration.ofDays(1))).status())
                .isEqualTo(CertificateCheck.Status.NOT_YET_VALID);
        assertThat(trust.check(z.certificate(), Instant.now().plus(Duration.ofDays(9))).status())
                .isEqualTo(CertificateCheck.Status.VALID);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void revokedCertificatesAreRefusedOnceTheNewCrlIsUsed(Suite suite) {
        DataSpaceCa ca = DataSpaceCa.create(suite, "Test CA");
        ZoneCredential a = ca.issue("zone-a", ZoneTier.PUBLIC);
        ZoneCredential b = ca.issue("zone-b", ZoneTier.SOCIAL);
        DataSpaceTrust before = ca.trust();
        DataSpaceTrust after = new DataSpaceTrust(ca.certificate(), ca.revoke(a.certificate()));
        assertThat(after.check(a.certificate(), Instant.now()).status()).isEqualTo(CertificateCheck.Status.REVOKED);
        assertThat(after.check(b.certificate(), Instant.now()).status()).isEqualTo(CertificateCheck.Status.VALID);
        assertThat(before.check(a.certificate(), Instant.now()).status()).isEqualTo(CertificateCheck.Status.VALID);
        assertThat(after.crl().getRevokedCertificates()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void certificatesOfAForeignCaAreRefused(Suite suite) {
        DataSpaceCa ours = DataSpaceCa.create(suite, "Test CA");
        DataSpaceCa sameName = DataSpaceCa.create(suite, "Test CA");
        DataSpaceCa other = DataSpaceCa.create(suite, "Other CA");
        DataSpaceTrust trust = ours.trust();
        assertThat(trust.check(sameName.issue("zone-a", ZoneTier.PUBLIC).certificate(), Instant.now()).status())
                .isEqualTo(CertificateCheck.Status.BAD_SIGNATURE);
        assertThat(trust.check(other.issue("zone-a", ZoneTier.PUBLIC).certificate(), Instant.now()).status())
                .isEqualTo(CertificateCheck.Status.UNKNOWN_ISSUER);
        assertThatThrownBy(() -> ours.revoke(sameName.issue("zone-x", ZoneTier.PUBLIC).certificate()))
                .hasMessageContaining("not issued by this CA");
        assertThatThrownBy(() -> new DataSpaceTrust(ours.certificate(), sameName.crl()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void staleCrlFailsClosedAndTheCaCertificateIsNoZoneCertificate() {
        DataSpaceCa ca = DataSpaceCa.create(Suite.INTL, "Test CA");
        ZoneCredential z = ca.issue("zone-a", ZoneTier.PUBLIC);
        DataSpaceTrust trust = ca.trust();
        assertThat(trust.check(z.certificate(), Instant.now().plus(DataSpaceCa.CRL_VALIDITY).plus(Duration.ofDays(1))).status())
                .isEqualTo(CertificateCheck.Status.CRL_STALE);
        assertThat(trust.check(ca.certificate(), Instant.now()).status()).isEqualTo(CertificateCheck.Status.NOT_A_ZONE_CERTIFICATE);
        assertThat(trust.check((X509Certificate) null, Instant.now()).valid()).isFalse();
    }

    @Test
    void zoneIdsValiditiesAndNamesAreValidated() {
        DataSpaceCa ca = DataSpaceCa.create(Suite.INTL, "Test CA");
        for (String bad : new String[] {"../etc", "Zone", "", "a b", "x".repeat(64)}) {
            assertThatThrownBy(() -> ca.issue(bad, ZoneTier.PUBLIC)).as(bad).hasMessageContaining("zone id");
        }
        assertThatThrownBy(() -> ca.issue("z", ZoneTier.PUBLIC, Duration.ofDays(826), List.of())).hasMessageContaining("825");
        assertThatThrownBy(() -> ca.issue("z", ZoneTier.PUBLIC, Duration.ZERO, List.of())).hasMessageContaining("validity");
        assertThatThrownBy(() -> ca.issue("z", ZoneTier.PUBLIC, Duration.ofDays(1), List.of("bad name!"))).hasMessageContaining("DNS");
        assertThatThrownBy(() -> ca.issue("z", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> DataSpaceCa.create(Suite.INTL, " ")).hasMessageContaining("CA name");
    }

    @Test
    void serialsAreRandomPositiveAndDistinct() {
        DataSpaceCa ca = DataSpaceCa.create(Suite.INTL, "Test CA");
        Set<java.math.BigInteger> serials = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            java.math.BigInteger s = ca.issue("zone-" + i, ZoneTier.SOCIAL).certificate().getSerialNumber();
            assertThat(s.signum()).isPositive();
            assertThat(s.bitLength()).isEqualTo(127);
            serials.add(s);
        }
        assertThat(serials).hasSize(20);
    }

    @Test
    void gmCertificateSignatureVerifiesWithSm3WithSm2() throws Exception {
        DataSpaceCa ca = DataSpaceCa.create(Suite.GM, "GM CA");
        X509Certificate cert = ca.issue("gm-zone", ZoneTier.PUBLIC).certificate();
        assertThat(cert.getSigAlgOID()).isEqualTo("1.2.156.10197.1.501");
        assertThat(ca.certificate().getSigAlgOID()).isEqualTo("1.2.156.10197.1.501");
        assertThat(ca.crl().getSigAlgOID()).isEqualTo("1.2.156.10197.1.501");
        Signature sm2 = Signature.getInstance("SM3withSM2", CaSchemes.bc());
        sm2.initVerify(ca.certificate().getPublicKey());
        sm2.update(cert.getTBSCertificate());
        assertThat(sm2.verify(cert.getSignature())).isTrue();
        byte[] tampered = cert.getTBSCertificate();
        tampered[tampered.length - 1] ^= 1;
        sm2.initVerify(ca.certificate().getPublicKey());
        sm2.update(tampered);
        assertThat(sm2.verify(cert.getSignature())).isFalse();
        // the zone key is on the SM2 curve too
        java.security.spec.ECField field = ((java.security.interfaces.ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField();
        assertThat(((java.security.spec.ECFieldFp) field).getP())
                .isEqualTo(org.bouncycastle.asn1.gm.GMNamedCurves.getByName("sm2p256v1").getCurve().getField().getCharacteristic());
    }

    @Test
    void intlCertificatesUseEcdsaP256WithSha256() {
        DataSpaceCa ca = DataSpaceCa.create(Suite.INTL, "Test CA");
        X509Certificate cert = ca.issue("zone-a", ZoneTier.PUBLIC).certificate();
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(((java.security.interfaces.ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(ca.trust().suite()).isEqualTo(Suite.INTL);
    }
}
