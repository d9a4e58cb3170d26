package io.veil.gateway.crosszone;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Both sides' cross-zone contract rows: the provider zone's note of which peer zone (and org key)
 * stands behind a qualified consumer, and the consumer zone's record of its contracts held in peer zones.
 */
@Repository
class RemoteContractStore {
    private final JdbcTemplate jdbc;

    RemoteContractStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Provider side: who asked for a contract here on behalf of a peer-zone organisation. */
    record RemoteConsumer(String contractId, String zone, String org, String key) {}

    void insertRemoteConsumer(RemoteConsumer r) {
        jdbc.update("INSERT INTO crosszone_remote_consumers(contract_id, consumer_zone, consumer_org, consumer_key) VALUES (?,?,?,?)",
                r.contractId(), r.zone(), r.org(), r.key());
    }

    Optional<RemoteConsumer> remoteConsumer(String contractId) {
        return jdbc.query("SELECT * FROM crosszone_remote_consumers WHERE contract_id = ?", (rs, i) -> new RemoteConsumer(
                rs.getString("contract_id"), rs.getString("consumer_zone"), rs.getString("consumer_org"), rs.getString("consumer_key")),
                contractId).stream().findFirst();
    }

    /** Consumer side: a contract this zone's organisation holds with a provider in {@code providerZone}. */
    record Held(String id, String providerZone, String offerId, String offerDigest, String providerOrg, String consumerOrg,
                String purpose, String state, List<String> datasetIds, Instant validFrom, Instant validUntil,
                String agreementDigest, Instant createdAt, Instant updatedAt) {}

    void insertHeld(Held h) {
        jdbc.update("INSERT INTO crosszone_contracts(id, provider_zone, offer_id, offer_digest, provider_org, consumer_org, purpose,"
                        + " state, dataset_ids, valid_from, valid_until, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                h.id(), h.providerZone(), h.offerId(), h.offerDigest(), h.providerOrg(), h.consumerOrg(), h.purpose(), h.state(),
                String.join(",", h.datasetIds()), ts(h.validFrom()), ts(h.validUntil()), ts(h.createdAt()), ts(h.updatedAt()));
    }

    Optional<Held> held(String providerZone, String id) {
        return jdbc.query("SELECT * FROM crosszone_contracts WHERE provider_zone = ? AND id = ?", HELD, providerZone, id).stream().findFirst();
    }

    List<Held> heldBy(String consumerOrg, int offset, int limit) {
        return jdbc.query("SELECT * FROM crosszone_contracts WHERE consumer_org = ? ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
                HELD, consumerOrg, limit, offset);
    }

    long countHeldBy(String consumerOrg) {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM crosszone_contracts WHERE consumer_org = ?", Long.class, consumerOrg);
        return n == null ? 0 : n;
    }

    /** Compare-and-set of the observed state. */
    boolean moveHeld(String providerZone, String id, String from, String to, String agreementDigest) {
        return jdbc.update("UPDATE crosszone_contracts SET state = ?, agreement_digest = COALESCE(?, agreement_digest), updated_at = ?"
                        + " WHERE provider_zone = ? AND id = ? AND state = ?",
                to, agreementDigest, ts(Instant.now()), providerZone, id, from) == 1;
    }

    private static Timestamp ts(Instant i) {
        return Timestamp.from(i);
    }

    private static final RowMapper<Held> HELD = (rs, i) -> new Held(rs.getString("id"), rs.getString("provider_zone"),
            rs.getString("offer_id"), rs.getString("offer_digest"), rs.getString("provider_org"), rs.getString("consumer_org"),
            rs.getString("purpose"), rs.getString("state"),
            rs.getString("dataset_ids").isEmpty() ? List.of() : Arrays.asList(rs.getString("dataset_ids").split(",")),
            rs.getTimestamp("valid_from").toInstant(), rs.getTimestamp("valid_until").toInstant(),
            rs.getString("agreement_digest"), rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
}
