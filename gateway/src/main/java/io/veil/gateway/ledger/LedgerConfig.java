package io.veil.gateway.ledger;

import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.config.VeilProperties;
import io.veil.ledger.Ledger;
import io.veil.ledger.ZonePublicKey;
import io.veil.ledger.embedded.EmbeddedLedger;
import io.veil.ledger.fabric.FabricLedger;
import io.veil.ledger.fabric.FabricSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/**
 * The zone's ledger backend (veil.ledger.backend). The embedded Merkle log lives under
 * data-dir/ledger and is opened fail-closed: a ledger whose stored entries were modified, removed
 * or reordered refuses to open (LedgerTamperedException), so the node does not start on it.
 */
@Configuration
class LedgerConfig {
    /** The checkpoint origin line: names the log a checkpoint belongs to. */
    static String origin(VeilProperties props) {
        return "veil/" + props.zone().id();
    }

    @Bean(destroyMethod = "close")
    Ledger ledger(VeilProperties props, ZoneKeyStore keys) {
        String backend = props.ledger().backend();
        if ("embedded".equals(backend)) {
            return EmbeddedLedger.open(props.dataDir().resolve("ledger"), origin(props), props.zone().suite(), keys.zoneSigningKey());
        }
        if ("fabric".equals(backend)) {
            return FabricLedger.connect(fabricSettings(props.ledger().fabric()), origin(props), keys.zoneSigningKey());
        }
        throw new IllegalStateException("unknown veil.ledger.backend '" + backend + "' (embedded|fabric)");
    }

    static FabricSettings fabricSettings(VeilProperties.Fabric f) {
        if (f.envFile() != null) {
            return FabricSettings.fromFile(f.envFile());
        }
        return new FabricSettings(f.peerEndpoint(), f.tlsAuthority(), f.tlsCaCert(), f.mspId(), f.cert(), f.key(),
                f.channel(), f.chaincode());
    }

    /** Keys an auditor needs to check this zone's entries and checkpoints. */
    @Bean
    ZoneSigningKeys zoneSigningKeys(VeilProperties props, ZoneKeyStore keys) {
        return new ZoneSigningKeys(List.of(new ZonePublicKey(props.zone().id(), keys.zoneSigningKey().verifyingKey())));
    }

    record ZoneSigningKeys(List<ZonePublicKey> keys) {}
}
