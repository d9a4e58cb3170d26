package io.veil.policy;

/** Contract lifecycle: REQUESTED → AGREED | REJECTED; AGREED → REVOKED | EXPIRED | EXHAUSTED. */
public enum ContractState {
    REQUESTED, AGREED, REJECTED, REVOKED, EXPIRED, EXHAUSTED;

    public boolean isTerminal() {
        return this != REQUESTED && this != AGREED;
    }
}
