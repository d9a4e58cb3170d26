package io.veil.ledger.fabric;

import io.veil.crypto.Suite;
import org.junit.jupiter.api.Tag;

/**
 * The contract on Fabric with the GM suite: SM2 signatures are randomised, so a retried append
 * carries other signature bytes; the chaincode matches on the canonical event and answers the
 * stored entry. Leaf hashes and checkpoint roots use SM3.
 */
@Tag("fabric")
class FabricLedgerGmContractTest extends FabricLedgerContractTest {
    @Override
    protected Suite ledgerSuite() {
        return Suite.GM;
    }
}
