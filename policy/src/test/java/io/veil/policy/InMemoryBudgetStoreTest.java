package io.veil.policy;

class InMemoryBudgetStoreTest extends BudgetStoreContractTest {
    @Override
    protected BudgetStore newStore() {
        return new InMemoryBudgetStore();
    }
}
