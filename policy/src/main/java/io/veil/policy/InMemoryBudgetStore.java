package io.veil.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Thread-safe in-memory {@link BudgetStore}. One lock guards everything: reservations span several keys
 * and must be all-or-nothing, and a single monitor makes that obviously correct at in-memory speeds.
 */
public final class InMemoryBudgetStore implements BudgetStore {
    private enum State { RESERVED, COMMITTED, REFUNDED }

    private static final class Account {
        final long total;
        long reserved;
        long committed;

        Account(long total) {
            this.total = total;
        }
    }

    private final Map<BudgetKey, Account> accounts = new HashMap<>();
    private final Map<String, State> reservations = new HashMap<>();

    @Override
    public synchronized Result<Reservation> reserve(List<BudgetKey> keys, long amount, String jobId) {
        if (amount <= 0) {
            return Result.err("BUDGET_INVALID_AMOUNT", "amount", "amount must be positive");
        }
        if (keys == null || keys.isEmpty()) {
            return Result.err("BUDGET_NO_KEYS", "keys", "a reservation needs at least one budget");
        }
        List<BudgetKey> unique = new ArrayList<>(new LinkedHashSet<>(keys));
        List<Violation> refusals = new ArrayList<>();
        for (BudgetKey k : unique) {
            Account a = accounts.get(k);
            if (a == null) {
                refusals.add(new Violation("BUDGET_NOT_OPEN", path(k), "budget is not open"));
            } else if (a.total - a.reserved - a.committed < amount) {
                refusals.add(new Violation("BUDGET_EXHAUSTED", path(k), "budget is exhausted"));
            }
        }
        if (!refusals.isEmpty()) {
            return Result.err(refusals);
        }
        unique.forEach(k -> accounts.get(k).reserved += amount);
        Reservation r = new Reservation(UUID.randomUUID().toString(), jobId, unique, amount);
        reservations.put(r.id(), State.RESERVED);
        return Result.ok(r);
    }

    @Override
    public synchronized void commit(Reservation r) {
        if (settle(r, State.COMMITTED)) {
            r.keys().forEach(k -> {
                Account a = accounts.get(k);
                a.reserved -= r.amount();
                a.committed += r.amount();
            });
        }
    }

    @Override
    public synchronized void refund(Reservation r) {
        if (settle(r, State.REFUNDED)) {
            r.keys().forEach(k -> accounts.get(k).reserved -= r.amount());
        }
    }

    /** True if the reservation moves RESERVED → target now; false if it already is in target (idempotent). */
    private boolean settle(Reservation r, State target) {
        State s = reservations.get(r.id());
        if (s == null) {
            throw new IllegalStateException("unknown reservation " + r.id());
        }
        if (s == target) {
            return false;
        }
        if (s != State.RESERVED) {
            throw new IllegalStateException("reservation " + r.id() + " is already " + s);
        }
        reservations.put(r.id(), target);
        return true;
    }

    @Override
    public synchronized BudgetBalance balance(BudgetKey k) {
        Account a = accounts.get(k);
        return a == null ? new BudgetBalance(k, 0, 0, 0) : new BudgetBalance(k, a.total, a.reserved, a.committed);
    }

    @Override
    public synchronized void open(BudgetKey k, long total) {
        if (total < 0) {
            throw new IllegalArgumentException("negative budget");
        }
        accounts.putIfAbsent(k, new Account(total));
    }

    static String path(BudgetKey k) {
        return k.kind() + ":" + k.id();
    }
}
