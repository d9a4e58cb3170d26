package io.veil.policy;

import java.time.Instant;
import java.util.Objects;

/**
 * An offer agreed (or requested) for one consumer org and one purpose. The validity window is the
 * contract's own; the engine also applies the offer's window, so a contract never outlives its offer.
 */
public record Contract(String id, String offerId, String providerOrg, String consumerOrg, String purpose,
                       ContractState state, Instant validFrom, Instant validUntil, Instant createdAt) {
    public Contract {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(offerId, "offerId");
        Objects.requireNonNull(providerOrg, "providerOrg");
        Objects.requireNonNull(consumerOrg, "consumerOrg");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(validFrom, "validFrom");
        Objects.requireNonNull(validUntil, "validUntil");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A copy in another state; callers obtain {@code next} from {@link ContractStateMachine#transition}. */
    public Contract withState(ContractState next) {
        return new Contract(id, offerId, providerOrg, consumerOrg, purpose, next, validFrom, validUntil, createdAt);
    }
}
