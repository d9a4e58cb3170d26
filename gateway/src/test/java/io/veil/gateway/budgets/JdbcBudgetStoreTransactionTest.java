package io.veil.gateway.budgets;

import io.veil.gateway.support.TestDatabases;
import io.veil.policy.BudgetKey;
import io.veil.policy.Reservation;
import io.veil.policy.Result;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the contract test cannot see: events inside the charge's transaction, and behaviour inside a caller's transaction. */
class JdbcBudgetStoreTransactionTest {
    private static final DataSource DB = BudgetTestSupport.pooled(TestDatabases.freshH2());

    static class Recorder implements BudgetEvents {
        final List<String> seen = new CopyOnWriteArrayList<>();
        @Override public void reserved(Reservation r) { seen.add("reserved:" + r.jobId() + ":" + r.amount()); }
        @Override public void committed(Reservation r) { seen.add("committed:" + r.jobId() + ":" + r.amount()); }
        @Override public void refunded(Reservation r) { seen.add("refunded:" + r.jobId() + ":" + r.amount()); }
    }

    private static BudgetKey opened(JdbcBudgetStore s, long total) {
        BudgetKey k = BudgetKey.contract("c-" + UUID.randomUUID());
        s.open(k, total);
        return k;
    }

    @Test
    void eachStateChangeEmitsExactlyOneEventAndRepeatsEmitNone() {
        Recorder events = new Recorder();
        JdbcBudgetStore s = BudgetTestSupport.store(DB, events);
        BudgetKey k = opened(s, 100);
        Reservation a = s.reserve(List.of(k), 10, "job-a").value();
        Reservation b = s.reserve(List.of(k), 20, "job-b").value();
        s.commit(a);
        s.commit(a);
        s.refund(b);
        s.refund(b);
        assertThat(s.reserve(List.of(k), 1000, "job-c").isOk()).isFalse();
        assertThat(events.seen).containsExactly("reserved:job-a:10", "reserved:job-b:20", "committed:job-a:10", "refunded:job-b:20");
    }

    @Test
    void settlementUsesTheStoredAmountNotTheCallersCopy() {
        JdbcBudgetStore s = BudgetTestSupport.store(DB, BudgetEvents.NONE);
        BudgetKey k = opened(s, 100);
        Reservation real = s.reserve(List.of(k), 10, "job-a").value();
        s.commit(new Reservation(real.id(), real.jobId(), List.of(k), 1));
        assertThat(s.balance(k).committed()).isEqualTo(10);
        assertThat(s.balance(k).reserved()).isZero();
    }

    @Test
    void aFailingEventRollsTheReservationBack() {
        BudgetEvents failing = new Recorder() {
            @Override public void reserved(Reservation r) { throw new IllegalStateException("outbox down"); }
        };
        JdbcBudgetStore s = BudgetTestSupport.store(DB, failing);
        BudgetKey k = opened(s, 100);
        assertThatThrownBy(() -> s.reserve(List.of(k), 10, "job-a")).isInstanceOf(IllegalStateException.class);
        assertThat(s.balance(k).reserved()).isZero();
    }

    @Test
    void aRefusedReservationInsideACallersTransactionKeepsTheCallersOtherWork() {
        JdbcBudgetStore s = BudgetTestSupport.store(DB, BudgetEvents.NONE);
        BudgetKey small = opened(s, 5);
        BudgetKey big = opened(s, 100);
        BudgetKey openedByCaller = BudgetKey.contract("c-" + UUID.randomUUID());
        Result<Reservation> r = new TransactionTemplate(new DataSourceTransactionManager(DB)).execute(status -> {
            s.open(openedByCaller, 7);
            return s.reserve(List.of(big, small), 10, "job-a");
        });
        assertThat(r.violations()).extracting(v -> v.code()).containsExactly("BUDGET_EXHAUSTED");
        assertThat(s.balance(openedByCaller).total()).isEqualTo(7);
        assertThat(s.balance(big).reserved()).isZero();
    }
}
