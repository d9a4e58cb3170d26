package io.veil.gateway.jobs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Job persistence. Status changes are compare-and-set so concurrent cancel/approve cannot both win. */
@Repository
public class JobStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JdbcTemplate jdbc;

    public JobStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(Job j) {
        jdbc.update("INSERT INTO jobs(id,consumer_org,job_type,contract_ids,sql_text,query_commitment,status,reasons_json,created_at,updated_at)"
                        + " VALUES (?,?,?,?,?,?,?,?,?,?)",
                j.id(), j.consumerOrg(), j.type(), json(j.contractIds()), j.sql(), j.queryCommitment(), j.status().name(),
                json(j.reasons()), Timestamp.from(j.createdAt()), Timestamp.from(j.updatedAt()));
    }

    /** Moves {@code id} from {@code from} to {@code to}; false if it was not in {@code from}. */
    public boolean transition(String id, JobStatus from, JobStatus to, List<Job.Reason> reasons) {
        if (!from.next().contains(to)) throw new IllegalStateException("illegal job transition " + from + " -> " + to);
        return jdbc.update("UPDATE jobs SET status = ?, reasons_json = ?, updated_at = ? WHERE id = ? AND status = ?",
                to.name(), json(reasons), Timestamp.from(Instant.now()), id, from.name()) == 1;
    }

    public void setPlan(String id, String planJson) {
        jdbc.update("UPDATE jobs SET plan_json = ? WHERE id = ?", planJson, id);
    }

    /** The checked (not yet released) result, sealed, and the usage record; no commitment before release. */
    public void setResult(String id, String sealed, String usageJson) {
        jdbc.update("UPDATE jobs SET result_sealed = ?, usage_json = ? WHERE id = ?", sealed, usageJson, id);
    }

    /** Set in the transaction that releases the result (ADR 0021: nothing about a result before RELEASED). */
    public void setResultCommitment(String id, String commitment) {
        jdbc.update("UPDATE jobs SET result_commitment = ? WHERE id = ?", commitment, id);
    }

    public Optional<Job> find(String id) {
        return jdbc.query("SELECT * FROM jobs WHERE id = ?", ROW, id).stream().findFirst();
    }

    public List<Job> byStatus(JobStatus s) {
        return jdbc.query("SELECT * FROM jobs WHERE status = ? ORDER BY created_at", ROW, s.name());
    }

    public List<Job> byConsumer(String org, int offset, int limit) {
        return jdbc.query("SELECT * FROM jobs WHERE consumer_org = ? ORDER BY created_at DESC LIMIT ? OFFSET ?", ROW, org, limit, offset);
    }

    /** Jobs over contracts whose provider is {@code providerOrg} waiting for that provider. */
    public List<Job> awaitingProvider(List<String> contractIds) {
        return jdbc.query("SELECT * FROM jobs WHERE status IN ('AWAITING_APPROVAL','CHECKED') ORDER BY created_at", ROW).stream()
                .filter(j -> j.contractIds().stream().anyMatch(contractIds::contains)).toList();
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T parse(String s, TypeReference<T> t) {
        try {
            return s == null ? null : JSON.readValue(s, t);
        } catch (Exception e) {
            throw new IllegalStateException("corrupt job row", e);
        }
    }

    private static final RowMapper<Job> ROW = (rs, i) -> new Job(rs.getString("id"), rs.getString("consumer_org"),
            rs.getString("job_type"), parse(rs.getString("contract_ids"), new TypeReference<List<String>>() {}),
            rs.getString("sql_text"), rs.getString("query_commitment"), JobStatus.valueOf(rs.getString("status")),
            parse(rs.getString("reasons_json"), new TypeReference<List<Job.Reason>>() {}), rs.getString("plan_json"),
            rs.getString("result_sealed"), rs.getString("result_commitment"), rs.getString("usage_json"),
            rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
}
