package io.veil.gateway.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
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

    public LedgerOutbox(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
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

    private static PendingEvent parse(String s) {
        try {
            return JSON.readValue(s, PendingEvent.class);
        } catch (Exception e) {
            throw new IllegalStateException("corrupt outbox row", e);
        }
    }
}
