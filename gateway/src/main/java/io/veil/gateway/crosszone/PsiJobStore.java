package io.veil.gateway.crosszone;

import com.fasterxml.jackson.core.type.TypeReference;
import io.veil.gateway.jobs.Job;
import io.veil.gateway.jobs.JobStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** PSI job rows of both roles; status changes are compare-and-set. */
@Repository
class PsiJobStore {
    private final JdbcTemplate jdbc;

    PsiJobStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A PSI job: INITIATOR in the consumer's zone, RESPONDER in the provider's. {@code result} is the released
     * aggregate (JSON); {@code resultCommitment} the responder zone's keyed commitment to it, set when it is
     * released (ADR 0021), on both sides; {@code resultOpeningKey} the key the responder handed the initiator
     * (initiator rows only), so that the consumer can check the result against both ledgers.
     */
    record PsiJob(String id, String role, String peerZone, String peerJobId, String consumerOrg, String contractId,
                  String type, String requestJson, JobStatus status, List<Job.Reason> reasons, String resultJson,
                  String resultCommitment, String resultOpeningKey, Instant createdAt, Instant updatedAt) {}

    void insert(PsiJob j) {
        jdbc.update("INSERT INTO psi_jobs(id, role, peer_zone, peer_job_id, consumer_org, contract_id, job_type, request_json, status,"
                        + " reasons_json, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                j.id(), j.role(), j.peerZone(), j.peerJobId(), j.consumerOrg(), j.contractId(), j.type(), j.requestJson(),
                j.status().name(), json(j.reasons()), Timestamp.from(j.createdAt()), Timestamp.from(j.updatedAt()));
    }

    boolean transition(String id, JobStatus from, JobStatus to, List<Job.Reason> reasons) {
        if (!from.next().contains(to)) throw new IllegalStateException("illegal job transition " + from + " -> " + to);
        return jdbc.update("UPDATE psi_jobs SET status = ?, reasons_json = ?, updated_at = ? WHERE id = ? AND status = ?",
                to.name(), json(reasons), Timestamp.from(Instant.now()), id, from.name()) == 1;
    }

    void setPeerJob(String id, String peerJobId) {
        jdbc.update("UPDATE psi_jobs SET peer_job_id = ? WHERE id = ?", peerJobId, id);
    }

    void setResult(String id, String resultJson) {
        jdbc.update("UPDATE psi_jobs SET result_json = ? WHERE id = ?", resultJson, id);
    }

    /** In the transaction that releases the result: nothing about it before (ADR 0021). */
    void setCommitment(String id, String commitment, String openingKey) {
        jdbc.update("UPDATE psi_jobs SET result_commitment = ?, result_opening_key = ? WHERE id = ?", commitment, openingKey, id);
    }

    Optional<PsiJob> find(String id) {
        return jdbc.query("SELECT * FROM psi_jobs WHERE id = ?", ROW, id).stream().findFirst();
    }

    List<PsiJob> byConsumer(String org, String role, int offset, int limit) {
        return jdbc.query("SELECT * FROM psi_jobs WHERE consumer_org = ? AND role = ? ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
                ROW, org, role, limit, offset);
    }

    /** Responder runs under contracts of {@code providerOrg} (all of them when null). */
    List<PsiJob> responderRuns(String providerOrg, int offset, int limit) {
        String where = providerOrg == null ? "" : " AND c.provider_org = ?";
        Object[] args = providerOrg == null ? new Object[] {limit, offset} : new Object[] {providerOrg, limit, offset};
        return jdbc.query("SELECT p.* FROM psi_jobs p JOIN contracts c ON c.id = p.contract_id WHERE p.role = 'RESPONDER'" + where
                + " ORDER BY p.created_at DESC, p.id LIMIT ? OFFSET ?", ROW, args);
    }

    private static String json(Object o) {
        try {
            return PeerCalls.JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final RowMapper<PsiJob> ROW = (rs, i) -> {
        List<Job.Reason> reasons;
        try {
            reasons = PeerCalls.JSON.readValue(rs.getString("reasons_json"), new TypeReference<List<Job.Reason>>() {});
        } catch (Exception e) {
            throw new IllegalStateException("corrupt psi job row");
        }
        return new PsiJob(rs.getString("id"), rs.getString("role"), rs.getString("peer_zone"), rs.getString("peer_job_id"),
                rs.getString("consumer_org"), rs.getString("contract_id"), rs.getString("job_type"), rs.getString("request_json"),
                JobStatus.valueOf(rs.getString("status")), reasons, rs.getString("result_json"), rs.getString("result_commitment"),
                rs.getString("result_opening_key"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    };
}
