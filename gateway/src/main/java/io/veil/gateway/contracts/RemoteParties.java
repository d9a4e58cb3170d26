package io.veil.gateway.contracts;

import io.veil.policy.Contract;

import java.util.Optional;

/**
 * Consumers that are organisations of a peer zone (cross-zone contracts, docs/cross-zone.md). Such a
 * consumer is recorded here under its qualified id {@code org@zone}; local organisation ids can never
 * contain '@' (ClaimMapping), so a qualified id never collides with a local organisation. Its half of
 * the agreement is signed in its own zone, with the key that zone holds for it, and fetched through
 * the zone-to-zone API when the provider accepts. Implemented by {@code io.veil.gateway.crosszone}.
 */
public interface RemoteParties {

    static boolean isRemote(String org) {
        return org != null && org.indexOf('@') > 0;
    }

    /** The consumer's signature (base64 SPKI key and base64 signature) over the canonical agreement. */
    record Countersignature(String publicKey, String signature) {}

    /**
     * Asks the consumer's zone to sign {@code canonicalAgreement}; throws an ApiException when the zone
     * refuses, cannot be reached, or the signature does not verify under the key registered for the org.
     */
    Countersignature countersign(Contract contract, byte[] canonicalAgreement);

    /**
     * Tells the consumer's zone, after the change committed, that the contract changed so it records
     * the new state on its own ledger now rather than when next asked. Best effort: never throws;
     * the consumer zone re-reads the state itself (a signed status query) and also does so on every read.
     */
    default void changed(Contract contract) {}

    /** The public key (base64 SPKI) the consumer's zone registered for the org of this contract. */
    Optional<String> registeredKey(String contractId);
}
