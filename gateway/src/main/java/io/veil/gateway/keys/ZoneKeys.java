package io.veil.gateway.keys;

import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.config.VeilProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;

/** Opens (or creates on first run) the zone's PKCS#12 keystore under the data directory. */
@Configuration
public class ZoneKeys {
    public static Path keystorePath(Path dataDir) {
        return dataDir.resolve("keys").resolve("zone.p12");
    }

    @Bean
    ZoneKeyStore zoneKeyStore(VeilProperties props) {
        return ZoneKeyStore.openOrCreate(keystorePath(props.dataDir()),
                props.zone().keystorePassword().toCharArray(), props.zone().suite());
    }
}
