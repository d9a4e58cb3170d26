package io.veil.policy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Sequential model check of {@link InMemoryBudgetStore}: after every operation, balances equal a trivial model. */
class BudgetPropertiesTest {
    record Op(int kind, int keyMask, long amount, int pick) {
    }

    @Property(tries = 300)
    void balancesAlwaysEqualTheModel(@ForAll("ops") List<Op> ops) {
        InMemoryBudgetStore store = new InMemoryBudgetStore();
        List<BudgetKey> keys = List.of(BudgetKey.contract("a"), BudgetKey.contract("b"), BudgetKey.datasetOrg("d", "o"));
        long[] total = {500, 800, 1000};
        long[] reserved = new long[3];
        long[] committed = new long[3];
        for (int i = 0; i < 3; i++) {
            store.open(keys.get(i), total[i]);
        }
        List<Reservation> open = new ArrayList<>();
        for (Op op : ops) {
            if (op.kind() == 0 || open.isEmpty()) {
                List<BudgetKey> chosen = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    if ((op.keyMask() & (1 << i)) != 0) {
                        chosen.add(keys.get(i));
                    }
                }
                boolean fits = !chosen.isEmpty();
                for (BudgetKey k : chosen) {
                    int i = keys.indexOf(k);
                    fits &= total[i] - reserved[i] - committed[i] >= op.amount();
                }
                Result<Reservation> r = store.reserve(chosen, op.amount(), "job");
                assertThat(r.isOk()).isEqualTo(fits);
                if (fits) {
                    chosen.forEach(k -> reserved[keys.indexOf(k)] += op.amount());
                    open.add(r.value());
                }
            } else {
                Reservation r = open.remove(op.pick() % open.size());
                boolean commit = op.kind() == 1;
                if (commit) {
                    store.commit(r);
                } else {
                    store.refund(r);
                }
                for (BudgetKey k : r.keys()) {
                    int i = keys.indexOf(k);
                    reserved[i] -= r.amount();
                    committed[i] += commit ? r.amount() : 0;
                }
            }
            for (int i = 0; i < 3; i++) {
                assertThat(store.balance(keys.get(i))).isEqualTo(new BudgetBalance(keys.get(i), total[i], reserved[i], committed[i]));
            }
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 7),
                        Arbitraries.longs().between(1, 400), Arbitraries.integers().between(0, 1000))
                .as(Op::new).list().ofMaxSize(60);
    }
}
