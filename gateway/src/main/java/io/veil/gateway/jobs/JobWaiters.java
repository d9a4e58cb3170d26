package io.veil.gateway.jobs;

import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Lets a status request wait for a job to settle (ADR 0017) instead of a client polling in a tight
 * loop: every committed status change signals, and a waiter re-reads the job from the store. At most
 * {@link #MAX_WAITERS} requests wait at once; beyond that a request answers at once, as without a wait,
 * so waiting can never tie up the server's request threads.
 */
@Component
class JobWaiters {
    static final int MAX_WAITERS = 32;
    static final int MAX_WAIT_SECONDS = 30;
    private final Semaphore slots = new Semaphore(MAX_WAITERS);
    private final Object changed = new Object();
    private long changes;

    /** Called after a status change has committed. */
    void signal() {
        synchronized (changed) {
            changes++;
            changed.notifyAll();
        }
    }

    /** The job as soon as {@code settled} holds for it, or as it is when {@code max} has passed. */
    Job await(Supplier<Job> current, Predicate<Job> settled, Duration max) {
        Job j = current.get();
        if (settled.test(j) || max.isZero() || !slots.tryAcquire()) return j;
        try {
            long deadline = System.nanoTime() + max.toNanos();
            while (true) {
                long seen;
                synchronized (changed) {
                    seen = changes;
                }
                j = current.get(); // read after noting the count: a change committed meanwhile is not missed
                if (settled.test(j)) return j;
                synchronized (changed) {
                    while (changes == seen) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) return current.get();
                        changed.wait(Math.max(1, left / 1_000_000));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return current.get();
        } finally {
            slots.release();
        }
    }
}
