package io.veil.gateway.federation;

import io.veil.crypto.Hex;
import io.veil.crypto.Suite;
import io.veil.crypto.VerifyingKey;

import java.net.URI;

/** A peer zone this zone trusts: identity, tier as configured by this operator, where it is and its signing key. */
public record TrustedZone(String zoneId, String tier, Suite suite, URI url, VerifyingKey key) {

    /** Full suite hash of the peer's SPKI, as recorded on the ledger (ZoneJoined.keyDigest). */
    public String keyDigest() {
        return Hex.encode(suite.hash(key.encoded()));
    }
}
