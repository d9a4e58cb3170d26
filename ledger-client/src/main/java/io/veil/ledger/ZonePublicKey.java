package io.veil.ledger;

import io.veil.crypto.Suite;
import io.veil.crypto.VerifyingKey;
import java.util.Objects;

/** A zone's public signing key as published in audit bundles ({@code keys.json}). */
public record ZonePublicKey(String zone, VerifyingKey key) {
    public ZonePublicKey {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(key, "key");
    }

    public Suite suite() {
        return key.suite();
    }

    public String keyId() {
        return key.keyId();
    }
}
