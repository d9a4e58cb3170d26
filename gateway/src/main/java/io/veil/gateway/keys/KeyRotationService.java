package io.veil.gateway.keys;

import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.datasets.DatasetStore;
import io.veil.gateway.datasets.DatasetVersion;
import io.veil.gateway.ledger.LedgerOutbox;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.Base64;
import java.util.Map;

/**
 * Rotates the zone key: a new key-encryption key version becomes current and every dataset's data
 * key is re-wrapped under it. Data blobs are not touched. Old KEK versions stay in the keystore, so
 * a crash mid-rotation leaves every wrapped key still unwrappable; running rotation again finishes.
 */
@Service
public class KeyRotationService {
    private final ZoneKeyStore keys;
    private final DatasetStore datasets;
    private final LedgerOutbox outbox;
    private final TransactionTemplate tx;

    public KeyRotationService(ZoneKeyStore keys, DatasetStore datasets, LedgerOutbox outbox, TransactionTemplate tx) {
        this.keys = keys;
        this.datasets = datasets;
        this.outbox = outbox;
        this.tx = tx;
    }

    public record Rotation(String previousVersion, String currentVersion, int rewrapped) {}

    public synchronized Rotation rotate() {
        String previous = keys.currentZoneKeyVersion();
        String current = keys.rotate();
        int n = tx.execute(s -> {
            int count = 0;
            for (DatasetVersion v : datasets.allVersions()) {
                if (v.zoneKeyVersion().equals(current)) continue;
                ZoneKeyStore.WrappedKey re = keys.rewrap(new ZoneKeyStore.WrappedKey(v.zoneKeyVersion(),
                        Base64.getDecoder().decode(v.wrappedKey())));
                datasets.updateWrappedKey(v.datasetId(), v.version(), Base64.getEncoder().encodeToString(re.ciphertext()),
                        re.zoneKeyVersion());
                count++;
            }
            outbox.record("KeyRotated", Map.of("key", current),
                    Map.of("previousZoneKeyVersion", previous, "currentZoneKeyVersion", current, "rewrappedDataKeys", count));
            return count;
        });
        return new Rotation(previous, current, n);
    }
}
