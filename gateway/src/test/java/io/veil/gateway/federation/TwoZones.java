package io.veil.gateway.federation;

import io.veil.crypto.SigningKey;
import io.veil.crypto.Suite;
import io.veil.crypto.ca.CaDirectory;
import io.veil.crypto.ca.DataSpaceCa;
import io.veil.crypto.ca.DataSpaceTrust;
import io.veil.crypto.ca.ZoneCredential;
import io.veil.crypto.ca.ZoneTier;
import io.veil.gateway.support.ApiClient;
import io.veil.gateway.support.ZoneNetwork;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Two real gateways in one JVM ({@link ZoneNetwork}): {@code zone-public} (PUBLIC) and
 * {@code zone-social} (SOCIAL), each the other's peer, over mutual TLS with certificates from a test
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
    private final ZoneNetwork net;

    TwoZones() throws IOException {
        net = new ZoneNetwork(PASSWORD);
        try {
            ZoneNetwork.Zone pub = net.zone(PUBLIC, "PUBLIC");
            ZoneNetwork.Zone soc = net.zone(SOCIAL, "SOCIAL");
            CaDirectory ca = net.ca();
            testerCredential = ca.issue(TESTER, ZoneTier.SOCIAL, Duration.ofDays(1), List.of(), PASSWORD.toCharArray());
            revokedCredential = ca.issue(REVOKED, ZoneTier.SOCIAL, Duration.ofDays(1), List.of(), PASSWORD.toCharArray());
            ca.revoke(REVOKED);
            trust = CaDirectory.loadTrust(net.caDir().resolve("ca.crt"), net.caDir().resolve("ca.crl"));
            foreignCredential = DataSpaceCa.create(Suite.INTL, "Veil data space CA").issue(TESTER, ZoneTier.SOCIAL);
            publicPort = pub.port();
            socialPort = soc.port();
            publicFederationPort = pub.federationPort();
            socialFederationPort = soc.federationPort();
            Map<String, Object> pubConfig = net.config(pub, List.of(soc.asPeer(),
                    testDriven(TESTER, testerKey), testDriven(REVOKED, revokedKey), testDriven(TESTER_2, tester2Key)));
            pubConfig.put("veil.federation.revoked-zones[0]", REVOKED);
            publicZone = net.start(pubConfig);
            socialZone = net.start(net.config(soc, List.of(pub.asPeer())));
        } catch (IOException | RuntimeException e) {
            net.close();
            throw e;
        }
    }

    private static ZoneNetwork.Peer testDriven(String zone, SigningKey key) {
        return new ZoneNetwork.Peer(zone, "SOCIAL", ZoneNetwork.freePort(), ZoneNetwork.b64(key.verifyingKey().encoded()));
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

    @Override
    public void close() {
        net.close();
    }
}
