package io.veil.policy;

import java.math.BigDecimal;
import java.util.Objects;

/** Metering of one job (可计量): what it consumed and what it cost. Built by {@link Pricing#meter}. */
public record UsageRecord(String jobId, String contractId, long rowsScanned, long cpuMillis, long microEpsilon,
                          BigDecimal priceCharged, String currency) {
    public UsageRecord {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(contractId, "contractId");
        Objects.requireNonNull(priceCharged, "priceCharged");
        Objects.requireNonNull(currency, "currency");
        if (rowsScanned < 0 || cpuMillis < 0 || microEpsilon < 0 || priceCharged.signum() < 0) {
            throw new IllegalArgumentException("usage is never negative");
        }
    }
}
