package io.veil.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PricingTest {

    @ParameterizedTest(name = "{0} {1} for {2} rows -> {3}")
    @CsvSource({
            "FREE, 0.00, 5000000, 0.00",
            "PER_JOB, 10.00, 0, 10.00",
            "PER_JOB, 10.00, 123456789, 10.00",
            "PER_MILLION_ROWS_SCANNED, 2.50, 0, 0.00",
            "PER_MILLION_ROWS_SCANNED, 2.50, 1, 2.50",
            "PER_MILLION_ROWS_SCANNED, 2.50, 1000000, 2.50",
            "PER_MILLION_ROWS_SCANNED, 2.50, 1000001, 5.00",
            "PER_MILLION_ROWS_SCANNED, 0.01, 999999999999, 10000.00",
            "FLAT_PERIOD, 500.00, 1000000, 0.00"})
    void chargesPerModel(PriceModel model, String amount, long rows, String expected) {
        BigDecimal charge = Pricing.jobCharge(new Offer.Price(model, new BigDecimal(amount), "CNY"), rows);
        assertThat(charge).isEqualTo(new BigDecimal(expected));
    }

    @Test
    void flatPeriodFeeIsChargedOnceAtAgreement() {
        assertThat(Pricing.agreementCharge(new Offer.Price(PriceModel.FLAT_PERIOD, new BigDecimal("500.00"), "CNY")))
                .isEqualTo(new BigDecimal("500.00"));
        assertThat(Pricing.agreementCharge(new Offer.Price(PriceModel.PER_JOB, new BigDecimal("10.00"), "CNY")))
                .isEqualTo(new BigDecimal("0.00"));
    }

    @Test
    void metersAJob() {
        UsageRecord u = Pricing.meter("job-1", Fixtures.agreed(), Fixtures.offer(), 42, 7, 500_000);
        assertThat(u).isEqualTo(new UsageRecord("job-1", "c-1", 42, 7, 500_000, new BigDecimal("10.00"), "CNY"));
    }

    @Test
    void refusesNegativeUsage() {
        assertThatThrownBy(() -> Pricing.jobCharge(Fixtures.offer().price(), -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UsageRecord("j", "c", 0, -1, 0, BigDecimal.ZERO, "CNY")).isInstanceOf(IllegalArgumentException.class);
    }
}
