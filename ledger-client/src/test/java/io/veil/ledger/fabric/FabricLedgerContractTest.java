package io.veil.ledger.fabric;

import io.veil.crypto.Suite;
import io.veil.crypto.SigningKey;
import io.veil.crypto.VerifyingKey;
import io.veil.ledger.Ledger;
import io.veil.ledger.LedgerContractTest;
import org.junit.jupiter.api.Tag;

/**
 * The Ledger contract on the real local Fabric network (deploy/fabric/network.sh up), each test on a
 * fresh log. The one documented difference: no Merkle proofs (UNSUPPORTED); see docs/fabric.md.
 */
@Tag("fabric")
class FabricLedgerContractTest extends LedgerContractTest {
    private SigningKey key;

    protected Suite ledgerSuite() {
        return Suite.INTL;
    }

    @Override
    protected Ledger newLedger() {
        key = SigningKey.generate(ledgerSuite());
        return FabricTestNetwork.freshLedger("public", key);
    }

    @Override
    protected VerifyingKey zoneKey() {
        return key.verifyingKey();
    }

    @Override
    protected boolean supportsProofs() {
        return false;
    }
}
