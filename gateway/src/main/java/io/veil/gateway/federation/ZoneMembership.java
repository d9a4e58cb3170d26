package io.veil.gateway.federation;

import io.veil.gateway.ledger.LedgerOutbox;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which peers this zone has authenticated ({@code federation_peers}). The first authenticated
 * contact with a peer — inbound signed request or verified catalog response — and any later change
 * of its signing key is recorded as a {@code ZoneJoined} ledger event in the same transaction as
 * the row (invariant 3).
 */
@Component
public class ZoneMembership {
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final LedgerOutbox outbox;
    /** zone:keyDigest pairs already on record, so the hot path does not hit the database. */
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public ZoneMembership(JdbcTemplate jdbc, TransactionTemplate tx, LedgerOutbox outbox) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.outbox = outbox;
    }

    public record PeerStatus(String zone, String tier, String keyDigest, Instant firstSeenAt, Instant lastSyncAt,
                             String lastSyncStatus, Integer datasetCount) {}

    /** Records the peer if it is new or presents a new key; idempotent and safe under concurrency. */
    public void seen(TrustedZone zone) {
        String digest = zone.keyDigest();
        if (known.contains(zone.zoneId() + ":" + digest)) return;
        try {
            tx.executeWithoutResult(st -> {
                List<String> digests = jdbc.queryForList("SELECT key_digest FROM federation_peers WHERE zone_id = ? FOR UPDATE",
                        String.class, zone.zoneId());
                if (digests.isEmpty()) {
                    jdbc.update("INSERT INTO federation_peers(zone_id, tier, key_digest, first_seen_at) VALUES (?,?,?,?)",
                            zone.zoneId(), zone.tier(), digest, Timestamp.from(Instant.now()));
                } else if (!digests.get(0).equals(digest)) {
                    jdbc.update("UPDATE federation_peers SET key_digest = ?, tier = ? WHERE zone_id = ?", digest, zone.tier(), zone.zoneId());
                } else {
                    return;
                }
                Map<String, Object> attrs = new LinkedHashMap<>();
                attrs.put("tier", zone.tier());
                attrs.put("keyDigest", digest);
                outbox.record("ZoneJoined", Map.of("zone", zone.zoneId()), attrs);
            });
        } catch (DuplicateKeyException e) {
            // A concurrent first contact inserted the row and recorded the event.
        }
        known.add(zone.zoneId() + ":" + digest);
    }

    public void syncResult(String zone, String status, Integer datasetCount) {
        jdbc.update("UPDATE federation_peers SET last_sync_at = ?, last_sync_status = ?, dataset_count = COALESCE(?, dataset_count) "
                + "WHERE zone_id = ?", Timestamp.from(Instant.now()), status, datasetCount, zone);
    }

    public List<PeerStatus> all() {
        return jdbc.query("SELECT * FROM federation_peers ORDER BY zone_id", (rs, i) -> new PeerStatus(
                rs.getString("zone_id"), rs.getString("tier"), rs.getString("key_digest"),
                rs.getTimestamp("first_seen_at").toInstant(),
                rs.getTimestamp("last_sync_at") == null ? null : rs.getTimestamp("last_sync_at").toInstant(),
                rs.getString("last_sync_status"),
                rs.getObject("dataset_count") == null ? null : rs.getInt("dataset_count")));
    }
}
