package io.veil.gateway.budgets;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.policy.BudgetBalance;
import io.veil.policy.BudgetKey;
import io.veil.policy.BudgetStore;
import io.veil.policy.Reservation;
import io.veil.policy.Result;
import io.veil.policy.Violation;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * {@link BudgetStore} on the budgets / budget_reservations tables. The invariant reserved + spent ≤ total is
 * kept by the database, not by Java locks, so it holds across gateway instances:
 * <ul>
 *   <li>reserve: one conditional {@code UPDATE … WHERE reserved + spent + amount <= total} per key, all in one
 *       transaction, keys in one fixed (sorted) order so two reservations never wait on each other in a
 *       cycle; any 0-row update rolls the whole reservation back (all or nothing);</li>
 *   <li>commit/refund: a compare-and-set on the reservation's state first, so exactly one settlement wins and
 *       a repeat is a no-op; the amount and keys are taken from the stored row, never from the caller.</li>
 * </ul>
 * reserve runs NESTED: inside a caller's transaction a refusal rolls back to a savepoint and leaves the
 * caller's work intact; alone it is its own transaction. The CHECK constraint on budgets is a second line.
 */
final class JdbcBudgetStore implements BudgetStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Comparator<BudgetKey> ORDER = Comparator.comparing(BudgetKey::kind).thenComparing(BudgetKey::id);
    private static final int ATTEMPTS = 5;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate reserveTx;
    private final TransactionTemplate settleTx;
    private final BudgetEvents events;

    JdbcBudgetStore(JdbcTemplate jdbc, PlatformTransactionManager txm, BudgetEvents events) {
        this.jdbc = jdbc;
        this.reserveTx = new TransactionTemplate(txm);
        this.reserveTx.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.settleTx = new TransactionTemplate(txm);
        this.events = events;
    }

    @Override
    public Result<Reservation> reserve(List<BudgetKey> keys, long amount, String jobId) {
        if (amount <= 0) return Result.err("BUDGET_INVALID_AMOUNT", "amount", "amount must be positive");
        if (keys == null || keys.isEmpty()) return Result.err("BUDGET_NO_KEYS", "keys", "a reservation needs at least one budget");
        if (jobId == null) throw new IllegalArgumentException("jobId");
        TreeSet<BudgetKey> unique = new TreeSet<>(ORDER);
        unique.addAll(keys);
        List<BudgetKey> sorted = List.copyOf(unique);
        for (int attempt = 1; ; attempt++) {
            try {
                return reserveTx.execute(status -> {
                    for (int i = 0; i < sorted.size(); i++) {
                        BudgetKey k = sorted.get(i);
                        int n = jdbc.update("UPDATE budgets SET reserved_micro = reserved_micro + ? WHERE kind = ? AND id = ?"
                                + " AND reserved_micro + spent_micro + ? <= total_micro", amount, k.kind(), k.id(), amount);
                        if (n != 1) {
                            status.setRollbackOnly();
                            return Result.<Reservation>err(refusals(sorted.subList(i, sorted.size()), amount));
                        }
                    }
                    Reservation r = new Reservation(UUID.randomUUID().toString(), jobId, sorted, amount);
                    jdbc.update("INSERT INTO budget_reservations(id, job_id, keys_json, amount_micro, state, created_at) VALUES (?,?,?,?,?,?)",
                            r.id(), jobId, json(sorted), amount, "RESERVED", Timestamp.from(Instant.now()));
                    events.reserved(r);
                    return Result.ok(r);
                });
            } catch (PessimisticLockingFailureException e) {
                // A lock wait timed out (H2) or the database picked us as a deadlock victim: nothing was held,
                // the transaction (or savepoint) is rolled back, so trying again is safe.
                if (attempt == ATTEMPTS) throw e;
                sleep(attempt);
            }
        }
    }

    /** Why the key whose update failed ({@code rest.get(0)}, always listed) and any later key cannot take the amount. */
    private List<Violation> refusals(List<BudgetKey> rest, long amount) {
        List<Violation> out = new ArrayList<>();
        for (int i = 0; i < rest.size(); i++) {
            BudgetKey k = rest.get(i);
            Optional<BudgetBalance> b = find(k);
            String path = k.kind() + ":" + k.id();
            if (b.isEmpty()) {
                out.add(new Violation("BUDGET_NOT_OPEN", path, "budget is not open"));
            } else if (i == 0 || b.get().available() < amount) {
                out.add(new Violation("BUDGET_EXHAUSTED", path, "budget is exhausted"));
            }
        }
        return out;
    }

    @Override
    public void commit(Reservation r) {
        settle(r, true);
    }

    @Override
    public void refund(Reservation r) {
        settle(r, false);
    }

    private void settle(Reservation r, boolean commit) {
        String target = commit ? "COMMITTED" : "REFUNDED";
        settleTx.executeWithoutResult(status -> {
            int n = jdbc.update("UPDATE budget_reservations SET state = ? WHERE id = ? AND state = 'RESERVED'", target, r.id());
            if (n == 0) {
                List<String> state = jdbc.queryForList("SELECT state FROM budget_reservations WHERE id = ?", String.class, r.id());
                if (state.isEmpty()) throw new IllegalStateException("unknown reservation " + r.id());
                if (!state.get(0).equals(target)) throw new IllegalStateException("reservation " + r.id() + " is already " + state.get(0));
                return;
            }
            Reservation stored = jdbc.queryForObject("SELECT job_id, keys_json, amount_micro FROM budget_reservations WHERE id = ?",
                    (rs, i) -> new Reservation(r.id(), rs.getString(1), keys(rs.getString(2)), rs.getLong(3)), r.id());
            for (BudgetKey k : stored.keys()) {
                int updated = commit
                        ? jdbc.update("UPDATE budgets SET reserved_micro = reserved_micro - ?, spent_micro = spent_micro + ?"
                                + " WHERE kind = ? AND id = ?", stored.amount(), stored.amount(), k.kind(), k.id())
                        : jdbc.update("UPDATE budgets SET reserved_micro = reserved_micro - ? WHERE kind = ? AND id = ?",
                                stored.amount(), k.kind(), k.id());
                if (updated != 1) {
                    throw new IllegalStateException("budget of reservation " + r.id() + " disappeared");
                }
            }
            if (commit) events.committed(stored);
            else events.refunded(stored);
        });
    }

    @Override
    public BudgetBalance balance(BudgetKey k) {
        return find(k).orElse(new BudgetBalance(k, 0, 0, 0));
    }

    private Optional<BudgetBalance> find(BudgetKey k) {
        return jdbc.query("SELECT total_micro, reserved_micro, spent_micro FROM budgets WHERE kind = ? AND id = ?",
                (rs, i) -> new BudgetBalance(k, rs.getLong(1), rs.getLong(2), rs.getLong(3)), k.kind(), k.id()).stream().findFirst();
    }

    /** First wins: ON CONFLICT DO NOTHING (PostgreSQL, and H2 in PostgreSQL mode) never fails the caller's transaction. */
    @Override
    public void open(BudgetKey k, long total) {
        if (total < 0) throw new IllegalArgumentException("negative budget");
        jdbc.update("INSERT INTO budgets(kind, id, total_micro, reserved_micro, spent_micro) VALUES (?,?,?,0,0) ON CONFLICT DO NOTHING",
                k.kind(), k.id(), total);
    }

    private static String json(List<BudgetKey> keys) {
        try {
            return JSON.writeValueAsString(keys.stream().map(k -> Map.of("kind", k.kind(), "id", k.id())).toList());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<BudgetKey> keys(String json) {
        try {
            List<Map<String, String>> raw = JSON.readValue(json, new TypeReference<>() {});
            return raw.stream().map(m -> new BudgetKey(m.get("kind"), m.get("id"))).sorted(ORDER).toList();
        } catch (Exception e) {
            throw new IllegalStateException("corrupt reservation row", e);
        }
    }

    private static void sleep(int attempt) {
        try {
            Thread.sleep(10L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
