package io.veil.gateway.crosszone;

import io.veil.gateway.support.ApiClient;
import io.veil.gateway.support.ZoneNetwork;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.util.List;

/**
 * Two real gateways in one JVM ({@link ZoneNetwork}): {@code zone-public} (PUBLIC) and
 * {@code zone-social} (SOCIAL), each the other's peer, talking over mutual TLS with certificates of a
 * test data-space CA.
 */
final class CrossZones implements AutoCloseable {
    static final String PUBLIC = "zone-public";
    static final String SOCIAL = "zone-social";
    final int publicPort;
    final int socialPort;
    final ConfigurableApplicationContext publicZone;
    final ConfigurableApplicationContext socialZone;
    private final ZoneNetwork net;

    CrossZones() throws IOException {
        net = new ZoneNetwork("cross-zones-test");
        try {
            ZoneNetwork.Zone pub = net.zone(PUBLIC, "PUBLIC");
            ZoneNetwork.Zone soc = net.zone(SOCIAL, "SOCIAL");
            publicPort = pub.port();
            socialPort = soc.port();
            publicZone = net.start(net.config(pub, List.of(soc.asPeer())));
            socialZone = net.start(net.config(soc, List.of(pub.asPeer())));
        } catch (IOException | RuntimeException e) {
            net.close();
            throw e;
        }
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
