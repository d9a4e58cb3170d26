package io.veil.gateway.budgets;

import io.veil.policy.BudgetKey;
import io.veil.policy.BudgetStore;
import io.veil.policy.Contract;
import io.veil.policy.Offer;

import java.util.ArrayList;
import java.util.List;

/**
 * Which budgets a contract has and how they are opened when it is agreed:
 * <ul>
 *   <li>{@code contract-jobs:<contract>} = maxJobs (job quota, one unit per job);</li>
 *   <li>with privacy: {@code contract:<contract>} = epsilonBudget, and {@code dataset-org:<dataset>/<consumer>}
 *       = epsilonBudget for every offered dataset. The dataset-org key is shared by all of the consumer's
 *       contracts on that dataset and opening is first-wins, so its total is the epsilonBudget of the first
 *       agreed offer: a later offer (or a second contract) can never raise the ε a consumer gets out of a
 *       dataset.</li>
 * </ul>
 */
public final class ContractBudgets {
    private ContractBudgets() {}

    public static BudgetKey jobKey(Contract c) {
        return BudgetKey.contractJobs(c.id());
    }

    /** Keys every ε reservation of a job under this contract must hold; empty without privacy. */
    public static List<BudgetKey> epsilonKeys(Contract c, Offer o) {
        List<BudgetKey> keys = new ArrayList<>();
        if (o.privacy().isPresent()) {
            keys.add(BudgetKey.contract(c.id()));
            o.datasetIds().forEach(d -> keys.add(BudgetKey.datasetOrg(d, c.consumerOrg())));
        }
        return keys;
    }

    /** Opens every budget of the contract; call in the transaction that agrees it. */
    public static void open(BudgetStore store, Contract c, Offer o) {
        store.open(jobKey(c), o.maxJobs());
        o.privacy().ifPresent(p -> epsilonKeys(c, o).forEach(k -> store.open(k, p.microEpsilonBudget())));
    }
}
