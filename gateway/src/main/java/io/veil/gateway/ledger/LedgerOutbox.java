package io.veil.gateway.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.gateway.config.VeilProperties;
import io.veil.ledger.EventType;
import io.veil.ledger.LedgerEvent;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Records a ledger event in the same database transaction as the state change it describes
 * (transactional outbox, ADR 0002). The {@link OutboxRelay} appends it to the ledger afterwards;
 * the ledger's append is idempotent on the event id, so a crash between append and marking the row
 * published cannot duplicate or lose an event.
 */
@Component
public class LedgerOutbox {
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private final JdbcTemplate jdbc;
    private final String zone;
    private volatile Runnable afterCommit = () -> {};

    public LedgerOutbox(JdbcTemplate jdbc, VeilProperties props) {
        this.jdbc = jdbc;
        this.zone = props.zone().id();
    }

    /** A pending event as stored in the outbox. Attributes carry ids, digests and numbers — never cell values. */
    public record PendingEvent(String eventId, String type, Instant occurredAt, Map<String, String> subjects,
                               Map<String, Object> attributes) {}

    /** Must be called inside the transaction that performs the state change. */
    public String record(String type, Map<String, String> subjects, Map<String, Object> attributes) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("ledger events must be recorded inside the state change's transaction");
        }
        String id = UUID.randomUUID().toString();
        PendingEvent e = new PendingEvent(id, type, Instant.now(), new LinkedHashMap<>(subjects), new LinkedHashMap<>(attributes));
        // Validate now, inside the state change's transaction: an event the ledger would refuse is a
        // bug that must roll the change back, not a row that blocks the relay later.
        toLedgerEvent(e, zone);
        TransactionSynchronizationManager.registerSynchronization(new org.springframework.transaction.support.TransactionSynchronization() {
            @Override
            public void afterCommit() {
                afterCommit.run();
            }
        });
        try {
            jdbc.update("INSERT INTO ledger_outbox(event_id, event_json, created_at) VALUES (?,?,?)",
                    id, JSON.writeValueAsString(e), Timestamp.from(e.occurredAt()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
        return id;
    }

    /** Unpublished events in commit order. */
    public List<Row> pending(int limit) {
        return jdbc.query("SELECT seq, event_json FROM ledger_outbox WHERE published_seq IS NULL ORDER BY seq LIMIT ?",
                (rs, i) -> new Row(rs.getLong("seq"), parse(rs.getString("event_json"))), limit);
    }

    public void markPublished(long outboxSeq, long ledgerSeq) {
        jdbc.update("UPDATE ledger_outbox SET published_seq = ? WHERE seq = ?", ledgerSeq, outboxSeq);
    }

    public long pendingCount() {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM ledger_outbox WHERE published_seq IS NULL", Long.class);
        return n == null ? 0 : n;
    }

    public record Row(long outboxSeq, PendingEvent event) {}

    /** The ledger form of a pending event; throws IllegalArgumentException for an unknown type or invalid content. */
    public static LedgerEvent toLedgerEvent(PendingEvent e, String zone) {
        EventType type = EventType.fromWireName(e.type())
                .orElseThrow(() -> new IllegalArgumentException("unknown ledger event type " + e.type()));
        return new LedgerEvent(e.eventId(), type, zone, e.occurredAt(), e.subjects(), e.attributes());
    }

    /** Called after every transaction that recorded events commits (the relay wakes up). */
    void onCommit(Runnable r) {
        this.afterCommit = r;
    }

    public String zone() {
        return zone;
    }

    private static PendingEvent parse(String s) {
        try {
            return JSON.readValue(s, PendingEvent.class);
        } catch (Exception e) {
            throw new IllegalStateException("corrupt outbox row", e);
        }
    }
}
