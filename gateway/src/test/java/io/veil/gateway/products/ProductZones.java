package io.veil.gateway.products;

import io.veil.gateway.support.ApiClient;
import io.veil.gateway.support.ZoneNetwork;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Real gateways in one JVM ({@link ZoneNetwork}): {@code zone-public} (PUBLIC), {@code zone-social}
 * (SOCIAL) and {@code zone-social-two} (SOCIAL), which the public zone trusts but which is only started
 * when a test asks ({@link #startSocialTwo()}) — until then it is an unreachable tier-2 peer.
 */
final class ProductZones implements AutoCloseable {
    static final String PUBLIC = "zone-public";
    static final String SOCIAL = "zone-social";
    static final String SOCIAL_TWO = "zone-social-two";
    final int publicPort;
    final int socialPort;
    final ConfigurableApplicationContext publicZone;
    final ConfigurableApplicationContext socialZone;
    ConfigurableApplicationContext socialTwoZone;
    private final Map<String, Object> socialTwoConfig;
    private final ZoneNetwork net;

    ProductZones() throws IOException {
        net = new ZoneNetwork("product-zones-test");
        try {
            ZoneNetwork.Zone pub = net.zone(PUBLIC, "PUBLIC");
            ZoneNetwork.Zone soc = net.zone(SOCIAL, "SOCIAL");
            ZoneNetwork.Zone soc2 = net.zone(SOCIAL_TWO, "SOCIAL");
            publicPort = pub.port();
            socialPort = soc.port();
            socialTwoConfig = config(soc2, pub);
            publicZone = net.start(testDrivesRetries(net.config(pub, List.of(soc.asPeer(), soc2.asPeer()))));
            socialZone = net.start(config(soc, pub));
        } catch (IOException | RuntimeException e) {
            net.close();
            throw e;
        }
    }

    private Map<String, Object> config(ZoneNetwork.Zone social, ZoneNetwork.Zone pub) {
        return testDrivesRetries(net.config(social, List.of(pub.asPeer())));
    }

    private static Map<String, Object> testDrivesRetries(Map<String, Object> m) {
        m.put("veil.products.delivery-interval-ms", 0);
        return m;
    }

    ApiClient publicApi() {
        return new ApiClient(publicPort);
    }

    ApiClient socialApi() {
        return new ApiClient(socialPort);
    }

    void startSocialTwo() {
        if (socialTwoZone == null) socialTwoZone = net.start(socialTwoConfig);
    }

    @Override
    public void close() {
        net.close();
    }
}
