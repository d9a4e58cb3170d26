package io.veil.gateway.contracts;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Expires AGREED contracts whose validity has ended even when nobody reads them, so the ledger shows the
 * expiry close to when it happened. Reads expire lazily as well, so correctness never waits for the sweep.
 */
@Configuration
@EnableScheduling
class ContractExpirySweep {
    private static final Logger log = LoggerFactory.getLogger(ContractExpirySweep.class);
    private final ContractService contracts;

    ContractExpirySweep(ContractService contracts) {
        this.contracts = contracts;
    }

    @Scheduled(initialDelayString = "${veil.contracts.expiry-sweep-ms:60000}", fixedDelayString = "${veil.contracts.expiry-sweep-ms:60000}")
    void sweep() {
        int n = contracts.expireDue();
        if (n > 0) log.info("expired {} contracts", n);
    }
}
