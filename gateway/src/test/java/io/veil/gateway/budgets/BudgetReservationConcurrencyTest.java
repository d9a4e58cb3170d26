package io.veil.gateway.budgets;

import io.veil.gateway.offers.ContractFixtures;
import io.veil.gateway.support.GatewayTest;
import io.veil.policy.BudgetKey;
import io.veil.policy.BudgetStore;
import io.veil.policy.Reservation;
import io.veil.policy.Result;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The zone's budget store bean (JDBC + ledger outbox) under 200 parallel reservations. */
class BudgetReservationConcurrencyTest extends GatewayTest {
    @Autowired
    BudgetStore budgets;

    @Test
    void twoHundredParallelReservationsNeverExceedTheBudgetAndEachIsOnTheLedgerOnce() throws Exception {
        String contract = UUID.randomUUID().toString();
        BudgetKey eps = BudgetKey.contract(contract);
        BudgetKey dataset = BudgetKey.datasetOrg(UUID.randomUUID().toString(), "demo-consumer-org");
        budgets.open(eps, 50_000_000);
        budgets.open(dataset, 40_500_000);
        ExecutorService pool = Executors.newFixedThreadPool(32);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Result<Reservation>>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String job = "job-" + i;
            futures.add(pool.submit(() -> {
                start.await();
                return budgets.reserve(List.of(dataset, eps), 500_000, job);
            }));
        }
        start.countDown();
        int ok = 0;
        for (Future<Result<Reservation>> f : futures) {
            Result<Reservation> r = f.get(2, TimeUnit.MINUTES);
            if (r.isOk()) {
                ok++;
                if (ok % 2 == 0) budgets.commit(r.value());
            } else {
                assertThat(r.violations().get(0).code()).isEqualTo("BUDGET_EXHAUSTED");
            }
        }
        pool.shutdown();
        assertThat(ok).as("40.5 ε / 0.5 ε").isEqualTo(81);
        assertThat(budgets.balance(dataset).reserved() + budgets.balance(dataset).committed()).isEqualTo(40_500_000);
        assertThat(budgets.balance(eps).committed()).isEqualTo(40 * 500_000L);
        List<String> events = ContractFixtures.eventTypes(jdbc, contract);
        assertThat(events).filteredOn("BudgetReserved"::equals).hasSize(81);
        assertThat(events).filteredOn("BudgetCharged"::equals).hasSize(40);
    }
}
