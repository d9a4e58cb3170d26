package io.veil.gateway.crosszone;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.type.TypeReference;
import io.veil.gateway.jobs.Job;
import io.veil.gateway.jobs.JobStatus;
import io.veil.gateway.ledger.LedgerOutbox;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cross-zone SQL job rows in the requesting zone. Every status change commits with its ledger event
 * (job event types, subjects job + org; attributes carry ids, zones, codes and keyed commitments — never
 * values, never a plain hash of a result).
 */
@Repository
class CrossZoneSqlJobStore {
    static final String JOB_TYPE = "CROSS_ZONE_SQL";
    private final JdbcTemplate jdbc;
    private final LedgerOutbox outbox;
    private final TransactionTemplate tx;

    CrossZoneSqlJobStore(JdbcTemplate jdbc, LedgerOutbox outbox, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.tx = tx;
    }

    /**
     * One part as recorded: where it ran, as which job, how it ended. No values. {@code resultCommitment} is the
     * owning zone's commitment to the released part (checked with the opening key it handed over). Rows stored
     * before V9 held a plain {@code resultDigest}; it is dropped on read.
     */
    @JsonIgnoreProperties({"resultDigest"})
    record PartRecord(String alias, String zone, String contractIds, String partJobId, String status, List<String> reasonCodes,
                      String resultCommitment, Integer rowsReleased) {}

    /** {@code resultCommitment} is set when the combined result is released, not before (ADR 0021). */
    record XJob(String id, String consumerOrg, String sql, String queryCommitment, String requestJson, JobStatus status,
                List<Job.Reason> reasons, List<PartRecord> parts, String resultSealed, String resultCommitment, Instant createdAt,
                Instant updatedAt) {}

    void submitted(XJob j, Map<String, Object> attrs) {
        tx.executeWithoutResult(s -> {
            jdbc.update("INSERT INTO crosszone_sql_jobs(id, consumer_org, sql_text, query_commitment, request_json, status, reasons_json,"
                            + " parts_json, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    j.id(), j.consumerOrg(), j.sql(), j.queryCommitment(), j.requestJson(), j.status().name(), json(j.reasons()),
                    json(j.parts()), Timestamp.from(j.createdAt()), Timestamp.from(j.updatedAt()));
            Map<String, Object> a = new LinkedHashMap<>(attrs);
            a.put("jobType", JOB_TYPE);
            outbox.record(JobStatus.SUBMITTED.eventType(), subjects(j), a);
        });
    }

    /** Compare-and-set move with its event; {@code parts}, {@code sealed}, {@code commitment} are stored in the same transaction when given. */
    boolean move(XJob j, JobStatus from, JobStatus to, List<Job.Reason> reasons, List<PartRecord> parts, String sealed, String commitment,
                 Map<String, Object> attrs) {
        if (!from.next().contains(to)) throw new IllegalStateException("illegal job transition " + from + " -> " + to);
        return Boolean.TRUE.equals(tx.execute(s -> {
            int n = jdbc.update("UPDATE crosszone_sql_jobs SET status = ?, reasons_json = ?, parts_json = COALESCE(?, parts_json),"
                            + " result_sealed = COALESCE(?, result_sealed), result_commitment = COALESCE(?, result_commitment), updated_at = ?"
                            + " WHERE id = ? AND status = ?",
                    to.name(), json(reasons), parts == null ? null : json(parts), sealed, commitment, Timestamp.from(Instant.now()),
                    j.id(), from.name());
            if (n != 1) return false;
            Map<String, Object> a = new LinkedHashMap<>(attrs);
            a.put("status", to.name());
            a.put("jobType", JOB_TYPE);
            if (!reasons.isEmpty()) a.put("reasonCodes", reasons.stream().map(Job.Reason::code).distinct().toList());
            outbox.record(to.eventType(), subjects(j), a);
            return true;
        }));
    }

    Optional<XJob> find(String id) {
        return jdbc.query("SELECT * FROM crosszone_sql_jobs WHERE id = ?", ROW, id).stream().findFirst();
    }

    List<XJob> byConsumer(String org, int offset, int limit) {
        return jdbc.query("SELECT * FROM crosszone_sql_jobs WHERE consumer_org = ? ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
                ROW, org, limit, offset);
    }

    List<XJob> unfinished() {
        return jdbc.query("SELECT * FROM crosszone_sql_jobs WHERE status NOT IN ('RELEASED','REJECTED','FAILED','CANCELLED')", ROW);
    }

    static Map<String, String> subjects(XJob j) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("job", j.id());
        m.put("org", j.consumerOrg());
        // One contract per subject kind (as for local jobs): the first cross-zone contract, so the job is in
        // that contract's trail in this zone too; every contract id is in the attributes.
        String first = firstRemoteContract(j.requestJson());
        if (first != null) m.put("contract", first);
        return m;
    }

    private static String firstRemoteContract(String requestJson) {
        try {
            String id = PeerCalls.JSON.readTree(requestJson).path("remoteContracts").path(0).path("contractId").asText(null);
            return id == null || id.isEmpty() ? null : id;
        } catch (Exception e) {
            return null;
        }
    }

    private static String json(Object o) {
        try {
            return PeerCalls.JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final RowMapper<XJob> ROW = (rs, i) -> {
        try {
            return new XJob(rs.getString("id"), rs.getString("consumer_org"), rs.getString("sql_text"), rs.getString("query_commitment"),
                    rs.getString("request_json"), JobStatus.valueOf(rs.getString("status")),
                    PeerCalls.JSON.readValue(rs.getString("reasons_json"), new TypeReference<List<Job.Reason>>() {}),
                    PeerCalls.JSON.readValue(rs.getString("parts_json"), new TypeReference<List<PartRecord>>() {}),
                    rs.getString("result_sealed"), rs.getString("result_commitment"), rs.getTimestamp("created_at").toInstant(),
                    rs.getTimestamp("updated_at").toInstant());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("corrupt cross-zone job row");
        }
    };
}
