package io.veil.policy;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Charges per price model. Money is BigDecimal with scale 2, rounded HALF_EVEN (banker's rounding, the
 * usual choice for statements because it does not drift upwards over many charges).
 * <ul>
 *   <li>FREE: 0 per job.</li>
 *   <li>PER_JOB: the amount per job.</li>
 *   <li>PER_MILLION_ROWS_SCANNED: amount × ⌈rows / 1,000,000⌉; a job scanning no rows costs 0.</li>
 *   <li>FLAT_PERIOD: 0 per job — the flat fee is charged once, when the contract is agreed
 *       ({@link #agreementCharge}).</li>
 * </ul>
 */
public final class Pricing {
    private static final long MILLION = 1_000_000L;

    private Pricing() {
    }

    public static BigDecimal jobCharge(Offer.Price price, long rowsScanned) {
        if (rowsScanned < 0) {
            throw new IllegalArgumentException("negative row count");
        }
        BigDecimal charge = switch (price.model()) {
            case FREE, FLAT_PERIOD -> BigDecimal.ZERO;
            case PER_JOB -> price.amount();
            case PER_MILLION_ROWS_SCANNED -> price.amount().multiply(BigDecimal.valueOf(millionsRoundedUp(rowsScanned)));
        };
        return charge.setScale(2, RoundingMode.HALF_EVEN);
    }

    /** ⌈rows / 1,000,000⌉: the billing unit, and all a consumer is shown of a job's input size. */
    public static long millionsRoundedUp(long rows) {
        return rows / MILLION + (rows % MILLION == 0 ? 0 : 1);
    }

    /** One-off charge when a contract is agreed: the fee for FLAT_PERIOD, otherwise 0. */
    public static BigDecimal agreementCharge(Offer.Price price) {
        BigDecimal fee = price.model() == PriceModel.FLAT_PERIOD ? price.amount() : BigDecimal.ZERO;
        return fee.setScale(2, RoundingMode.HALF_EVEN);
    }

    public static UsageRecord meter(String jobId, Contract contract, Offer offer, long rowsScanned, long cpuMillis,
                                    long microEpsilon) {
        return new UsageRecord(jobId, contract.id(), rowsScanned, cpuMillis, microEpsilon,
                jobCharge(offer.price(), rowsScanned), offer.price().currency());
    }
}
