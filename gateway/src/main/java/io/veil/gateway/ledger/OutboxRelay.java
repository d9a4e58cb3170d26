package io.veil.gateway.ledger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.veil.gateway.config.VeilProperties;
import io.veil.ledger.Ledger;
import io.veil.ledger.LedgerEntry;
import io.veil.ledger.LedgerEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * Moves committed outbox rows to the ledger (ADR 0002). At-least-once: the ledger's append is
 * idempotent on the event id, so a crash after the append but before the row is marked published
 * re-sends the same event and gets the stored entry back — never a duplicate, never a loss.
 * One relay per zone process (synchronized); several gateway processes on one database would need
 * row locking, which the single-node deployment does not use.
 */
@Component
public class OutboxRelay {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    private final LedgerOutbox outbox;
    private final Ledger ledger;
    private final int batch;

    OutboxRelay(LedgerOutbox outbox, Ledger ledger, VeilProperties props, MeterRegistry meters) {
        this.outbox = outbox;
        this.ledger = ledger;
        this.batch = props.ledger().relayBatch();
        outbox.onCommit(this::wake);
        Gauge.builder("veil.ledger.outbox.pending", outbox, LedgerOutbox::pendingCount)
                .description("state-change events committed but not yet on the ledger").register(meters);
    }

    private final java.util.concurrent.ExecutorService waker = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ledger-relay");
        t.setDaemon(true);
        return t;
    });
    private final java.util.concurrent.atomic.AtomicBoolean wakeQueued = new java.util.concurrent.atomic.AtomicBoolean();

    /** After a commit: relay soon, on the relay thread; wake-ups that arrive while one is queued coalesce. */
    void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            waker.execute(() -> {
                wakeQueued.set(false);
                scheduled();
            });
        }
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        waker.shutdown();
    }

    @Scheduled(fixedDelayString = "${veil.ledger.relay-interval-ms:200}")
    void scheduled() {
        try {
            relay();
        } catch (RuntimeException e) {
            // Events stay in the outbox and are retried; the message names the failure, not event content.
            LOG.error("ledger relay failed, will retry: {}", e.toString());
        }
    }

    /** Publishes everything pending now; returns how many events were appended. */
    public synchronized int relay() {
        int total = 0;
        while (true) {
            List<LedgerOutbox.Row> rows = outbox.pending(batch);
            if (rows.isEmpty()) {
                return total;
            }
            List<LedgerEvent> events = rows.stream().map(r -> LedgerOutbox.toLedgerEvent(r.event(), outbox.zone())).toList();
            List<LedgerEntry> entries = ledger.appendAll(events);
            for (int i = 0; i < rows.size(); i++) {
                outbox.markPublished(rows.get(i).outboxSeq(), entries.get(i).seq());
            }
            total += rows.size();
        }
    }
}
