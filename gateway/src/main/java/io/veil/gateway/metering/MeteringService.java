package io.veil.gateway.metering;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.gateway.ledger.LedgerOutbox;
import io.veil.policy.Contract;
import io.veil.policy.Offer;
import io.veil.policy.Pricing;
import io.veil.policy.UsageRecord;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metering (可计量): one usage row per job, plus the one-off fee of a FLAT_PERIOD contract, each with a
 * UsageRecorded ledger event. Always inside the caller's transaction, so a job's release, its budget charge
 * and its bill commit or vanish together.
 */
@Service
public class MeteringService {
    static final String JOB = "JOB";
    static final String AGREEMENT = "AGREEMENT";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JdbcTemplate jdbc;
    private final LedgerOutbox outbox;

    public MeteringService(JdbcTemplate jdbc, LedgerOutbox outbox) {
        this.jdbc = jdbc;
        this.outbox = outbox;
    }

    /** Records a job's usage; the consumer is the contract's. Must run inside the job's transaction. */
    public void record(UsageRecord u, String providerOrg, List<String> datasetIds) {
        record(u, providerOrg, datasetIds, Instant.now());
    }

    /** Same, at a given time (tests pin statement periods with it). */
    void record(UsageRecord u, String providerOrg, List<String> datasetIds, Instant at) {
        List<String> consumer = jdbc.queryForList("SELECT consumer_org FROM contracts WHERE id = ?", String.class, u.contractId());
        if (consumer.isEmpty()) throw new IllegalArgumentException("usage for an unknown contract");
        insert(JOB, u, consumer.get(0), providerOrg, datasetIds, at);
    }

    /**
     * The flat fee of a FLAT_PERIOD offer, charged once when the contract is agreed (Pricing.agreementCharge);
     * nothing for other models. Keyed by the contract id, so it can never be charged twice.
     */
    public void recordAgreementFee(Contract c, Offer o, Instant at) {
        BigDecimal fee = Pricing.agreementCharge(o.price());
        if (fee.signum() == 0) return;
        UsageRecord u = new UsageRecord(c.id(), c.id(), 0, 0, 0, fee, o.price().currency());
        insert(AGREEMENT, u, c.consumerOrg(), c.providerOrg(), o.datasetIds(), at);
    }

    private void insert(String kind, UsageRecord u, String consumerOrg, String providerOrg, List<String> datasetIds, Instant at) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("usage must be recorded inside the transaction of the job it meters");
        }
        jdbc.update("INSERT INTO usage_records(job_id, contract_id, consumer_org, provider_org, dataset_ids, rows_scanned,"
                        + " cpu_millis, micro_epsilon, price, currency, recorded_at, charge_kind) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                u.jobId(), u.contractId(), consumerOrg, providerOrg, json(datasetIds.stream().sorted().distinct().toList()),
                u.rowsScanned(), u.cpuMillis(), u.microEpsilon(), u.priceCharged(), u.currency(), Timestamp.from(at), kind);
        Map<String, String> subjects = new LinkedHashMap<>();
        if (kind.equals(JOB)) subjects.put("job", u.jobId());
        subjects.put("contract", u.contractId());
        subjects.put("consumerOrg", consumerOrg);
        subjects.put("providerOrg", providerOrg);
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("kind", kind);
        attributes.put("datasetIds", datasetIds.stream().sorted().distinct().toList());
        attributes.put("rowsScanned", u.rowsScanned());
        attributes.put("cpuMillis", u.cpuMillis());
        attributes.put("microEpsilon", u.microEpsilon());
        attributes.put("price", u.priceCharged().toPlainString());
        attributes.put("currency", u.currency());
        outbox.record("UsageRecorded", subjects, attributes);
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
