package io.veil.gateway.datasets;

import io.veil.gateway.config.VeilProperties;
import io.veil.gateway.ingest.RamSpool;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * This node's RAM spool. Opening it sweeps what a killed upload left there; as a bean it is created
 * while the context refreshes, before the web server accepts a request. A clean shutdown removes it.
 */
@Configuration
class RamSpoolConfig {
    @Bean(destroyMethod = "close")
    RamSpool ramSpool(VeilProperties props) {
        return RamSpool.open(RamSpool.SHM, props.dataDir());
    }
}
