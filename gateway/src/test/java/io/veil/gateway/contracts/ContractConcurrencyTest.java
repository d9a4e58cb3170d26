package io.veil.gateway.contracts;

import io.veil.gateway.offers.ContractFixtures;
import io.veil.gateway.support.GatewayTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Competing transitions from the same state: the compare-and-set lets exactly one win, with one ledger event. */
class ContractConcurrencyTest extends GatewayTest {
    ContractFixtures fx;

    @BeforeEach
    void fixtures() {
        fx = new ContractFixtures(api);
    }

    /** Fires all calls at once; returns their HTTP statuses. */
    List<Integer> race(List<String[]> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (String[] c : calls) {
            api.token(c[1]);
            results.add(pool.submit(() -> {
                start.await();
                return api.postJson(c[0], c[1], "").status();
            }));
        }
        start.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> f : results) statuses.add(f.get(60, TimeUnit.SECONDS));
        pool.shutdown();
        return statuses;
    }

    @Test
    void concurrentAcceptsAndRejectsLetExactlyOneWin() throws Exception {
        String id = fx.requested();
        List<String[]> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(new String[]{"/api/v1/contracts/" + id + "/accept", "demo-provider"});
            calls.add(new String[]{"/api/v1/contracts/" + id + "/reject", "demo-provider"});
        }
        List<Integer> statuses = race(calls);
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        assertThat(statuses).filteredOn(s -> s != 200).containsOnly(409);
        List<String> events = ContractFixtures.eventTypes(jdbc, id);
        assertThat(events).hasSize(2).first().isEqualTo("ContractRequested");
        String state = jdbc.queryForObject("SELECT state FROM contracts WHERE id = ?", String.class, id);
        assertThat(events.get(1)).isEqualTo(state.equals("AGREED") ? "ContractAgreed" : "ContractRejected");
        long budgets = jdbc.queryForObject("SELECT COUNT(*) FROM budgets WHERE id = ?", Long.class, id);
        assertThat(budgets).as("budgets opened only by a winning accept").isEqualTo(state.equals("AGREED") ? 2 : 0);
    }

    @Test
    void concurrentAcceptAndRevokeByBothPartiesLetExactlyOneRevocationWin() throws Exception {
        String id = fx.agreed();
        List<String[]> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(new String[]{"/api/v1/contracts/" + id + "/revoke", "demo-provider"});
            calls.add(new String[]{"/api/v1/contracts/" + id + "/revoke", "demo-consumer"});
            calls.add(new String[]{"/api/v1/contracts/" + id + "/accept", "demo-provider"});
        }
        List<Integer> statuses = race(calls);
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        assertThat(ContractFixtures.eventTypes(jdbc, id)).containsExactly("ContractRequested", "ContractAgreed", "ContractRevoked");
    }
}
