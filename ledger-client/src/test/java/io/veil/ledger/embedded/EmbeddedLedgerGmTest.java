package io.veil.ledger.embedded;

import io.veil.crypto.Suite;

/** The same contract under the GM suite: SM3 Merkle hashing, SM2 entry and checkpoint signatures. */
class EmbeddedLedgerGmTest extends EmbeddedLedgerTest {
    @Override
    protected Suite ledgerSuite() {
        return Suite.GM;
    }
}
