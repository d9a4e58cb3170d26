package io.veil.gateway.contracts;

import io.veil.policy.Contract;
import io.veil.policy.ContractState;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Contract rows. Every state change is a compare-and-set ({@code WHERE state = expected}), so of two
 * concurrent transitions from the same state exactly one updates a row and the other sees 0 rows.
 */
@Repository
class ContractStore {
    /** Both signatures over the canonical agreement, with the signers' public keys (base64 SPKI). */
    record Signed(String agreementJson, String providerKey, String providerSig, String consumerKey, String consumerSig) {}

    record Row(Contract contract, Signed agreement, long jobsUsed, Instant updatedAt) {}

    /** Who may see what: null org means no restriction (auditor, zone admin). */
    record Visibility(String consumerOrg, String providerOrg, boolean all) {}

    private final JdbcTemplate jdbc;

    ContractStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Contract c) {
        jdbc.update("INSERT INTO contracts(id, offer_id, provider_org, consumer_org, purpose, state, valid_from, valid_until,"
                        + " jobs_used, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,0,?,?)",
                c.id(), c.offerId(), c.providerOrg(), c.consumerOrg(), c.purpose(), c.state().name(),
                ts(c.validFrom()), ts(c.validUntil()), ts(c.createdAt()), ts(c.createdAt()));
    }

    Optional<Row> find(String id) {
        return jdbc.query("SELECT * FROM contracts WHERE id = ?", ROW, id).stream().findFirst();
    }

    List<Row> list(Visibility v, ContractState state, int offset, int limit) {
        List<Object> args = new ArrayList<>();
        String where = where(v, state, args);
        args.add(limit);
        args.add(offset);
        return jdbc.query("SELECT * FROM contracts" + where + " ORDER BY created_at DESC, id LIMIT ? OFFSET ?", ROW, args.toArray());
    }

    long count(Visibility v, ContractState state) {
        List<Object> args = new ArrayList<>();
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM contracts" + where(v, state, args), Long.class, args.toArray());
        return n == null ? 0 : n;
    }

    private static String where(Visibility v, ContractState state, List<Object> args) {
        List<String> parts = new ArrayList<>();
        if (!v.all()) {
            List<String> own = new ArrayList<>();
            if (v.consumerOrg() != null) {
                own.add("consumer_org = ?");
                args.add(v.consumerOrg());
            }
            if (v.providerOrg() != null) {
                own.add("provider_org = ?");
                args.add(v.providerOrg());
            }
            parts.add(own.isEmpty() ? "1 = 0" : "(" + String.join(" OR ", own) + ")");
        }
        if (state != null) {
            parts.add("state = ?");
            args.add(state.name());
        }
        return parts.isEmpty() ? "" : " WHERE " + String.join(" AND ", parts);
    }

    boolean transition(String id, ContractState from, ContractState to, Instant now) {
        return jdbc.update("UPDATE contracts SET state = ?, updated_at = ? WHERE id = ? AND state = ?",
                to.name(), ts(now), id, from.name()) == 1;
    }

    /** REQUESTED → AGREED together with the signed agreement, as one compare-and-set. */
    boolean agree(String id, Signed s, Instant now) {
        return jdbc.update("UPDATE contracts SET state = 'AGREED', agreement_json = ?, provider_key = ?, provider_sig = ?,"
                        + " consumer_key = ?, consumer_sig = ?, updated_at = ? WHERE id = ? AND state = 'REQUESTED'",
                s.agreementJson(), s.providerKey(), s.providerSig(), s.consumerKey(), s.consumerSig(), ts(now), id) == 1;
    }

    void setJobsUsed(String id, long jobsUsed) {
        jdbc.update("UPDATE contracts SET jobs_used = ? WHERE id = ?", jobsUsed, id);
    }

    List<String> agreedEndedBy(Instant now, int limit) {
        return jdbc.queryForList("SELECT id FROM contracts WHERE state = 'AGREED' AND valid_until <= ? ORDER BY valid_until LIMIT ?",
                String.class, ts(now), limit);
    }

    private static Timestamp ts(Instant i) {
        return Timestamp.from(i);
    }

    private static final RowMapper<Row> ROW = (rs, i) -> {
        Contract c = new Contract(rs.getString("id"), rs.getString("offer_id"), rs.getString("provider_org"),
                rs.getString("consumer_org"), rs.getString("purpose"), ContractState.valueOf(rs.getString("state")),
                rs.getTimestamp("valid_from").toInstant(), rs.getTimestamp("valid_until").toInstant(),
                rs.getTimestamp("created_at").toInstant());
        String agreement = rs.getString("agreement_json");
        Signed s = agreement == null ? null : new Signed(agreement, rs.getString("provider_key"), rs.getString("provider_sig"),
                rs.getString("consumer_key"), rs.getString("consumer_sig"));
        return new Row(c, s, rs.getLong("jobs_used"), rs.getTimestamp("updated_at").toInstant());
    };
}
