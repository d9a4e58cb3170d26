package io.veil.policy;

import java.util.Optional;

/** How a contract is charged; see {@link Pricing}. */
public enum PriceModel {
    FREE, PER_JOB, PER_MILLION_ROWS_SCANNED, FLAT_PERIOD;

    public static Optional<PriceModel> parse(String name) {
        return Enums.parse(PriceModel.class, name);
    }
}
