package io.veil.gateway.crosszone;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.crypto.ZoneKeyStore;
import io.veil.crypto.psi.PsiInitiator;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.contracts.ContractService;
import io.veil.gateway.datasets.Dataset;
import io.veil.gateway.datasets.DatasetStore;
import io.veil.gateway.federation.TrustedZone;
import io.veil.gateway.jobs.Job;
import io.veil.gateway.jobs.JobStatus;
import io.veil.gateway.keys.ZoneCommitments;
import io.veil.gateway.offers.Digests;
import io.veil.gateway.security.Caller;
import io.veil.policy.BudgetKey;
import io.veil.policy.BudgetStore;
import io.veil.policy.ColumnRole;
import io.veil.policy.ColumnUse;
import io.veil.policy.Decision;
import io.veil.policy.JobType;
import io.veil.policy.Offer;
import io.veil.policy.PolicyEngine;
import io.veil.policy.QueryFootprint;
import io.veil.policy.Reservation;
import io.veil.policy.Result;
import io.veil.policy.UseKind;
import io.veil.policy.ZoneTier;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The consumer zone's side of a PSI job (initiator: holds only join keys). Checks the cross-zone
 * contract (refreshed from the provider zone) and the consumer's own right to use the local dataset
 * (an AGREED local contract whose offer allows the job type and the join key, and so has privacy; its
 * job quota and ε are charged like the provider's), then runs the ECDH-PSI protocol with the provider
 * zone in batches over the signed zone-to-zone API. The local dataset is read under its offer's
 * contribution bound, and the provider zone is told the local terms so that its noise covers this
 * dataset too (PsiRelease). The intersection size this process computes as the initiator is never
 * stored or shown: the consumer gets only the aggregate the provider zone released.
 * Runs synchronously within the submitting request.
 */
@Service
public class PsiJobs {
    static final List<String> FIELDS = List.of("type", "localDatasetId", "localJoinKey", "remoteZone", "remoteDatasetId",
            "remoteJoinKey", "remoteMetric", "contractId");
    private final ConsumerSideContracts held;
    private final ContractService contracts;
    private final DatasetStore datasets;
    private final PsiSets sets;
    private final BudgetStore budgets;
    private final PsiJobStore store;
    private final PsiTransitions transitions;
    private final PeerCalls calls;
    private final ZoneKeyStore keys;
    private final ZoneCommitments commitments;
    private final JdbcTemplate jdbc;
    private final PolicyEngine engine = new PolicyEngine();
    private final ZoneTier tier;

    PsiJobs(ConsumerSideContracts held, ContractService contracts, DatasetStore datasets, PsiSets sets, BudgetStore budgets,
            PsiJobStore store, PsiTransitions transitions, PeerCalls calls, ZoneKeyStore keys, ZoneCommitments commitments,
            JdbcTemplate jdbc, io.veil.gateway.config.VeilProperties props) {
        this.commitments = commitments;
        this.held = held;
        this.contracts = contracts;
        this.datasets = datasets;
        this.sets = sets;
        this.budgets = budgets;
        this.store = store;
        this.transitions = transitions;
        this.calls = calls;
        this.keys = keys;
        this.jdbc = jdbc;
        this.tier = ZoneTier.parse(props.zone().tier()).orElse(null);
    }

    PsiJobStore.PsiJob submit(Caller caller, JsonNode body) {
        body.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) throw ApiException.badRequest("UNKNOWN_FIELD", "allowed fields: " + FIELDS);
        });
        String type = ProviderSideContracts.text(body, "type");
        JobType jobType = JobType.parse(type).filter(t -> t != JobType.SQL)
                .orElseThrow(() -> ApiException.badRequest("JOB_TYPE_UNSUPPORTED", "type must be PSI_COUNT or PSI_SUM"));
        String localDataset = ProviderSideContracts.text(body, "localDatasetId");
        String localKey = ProviderSideContracts.text(body, "localJoinKey");
        String zone = ProviderSideContracts.text(body, "remoteZone");
        String remoteDataset = ProviderSideContracts.text(body, "remoteDatasetId");
        String remoteKey = ProviderSideContracts.text(body, "remoteJoinKey");
        String contractId = ProviderSideContracts.text(body, "contractId");
        String metric = null;
        if (jobType == JobType.PSI_SUM) metric = ProviderSideContracts.text(body, "remoteMetric");
        else if (body.has("remoteMetric")) throw ApiException.badRequest("INVALID_REQUEST", "remoteMetric is only for PSI_SUM");
        CrossZoneContractController.check(zone, contractId);
        TrustedZone peer = calls.peer(zone);

        RemoteContractStore.Held contract = held.forJob(caller, zone, contractId).orElseThrow(() -> ApiException.notFound("contract"));
        if (!contract.state().equals("AGREED")) {
            throw ApiException.conflict("CONTRACT_NOT_AGREED", "the cross-zone contract is " + contract.state());
        }
        String localContract = localContract(caller, jobType, localDataset, localKey);

        Map<String, Object> request = new LinkedHashMap<>();
        FIELDS.forEach(f -> {
            if (body.has(f)) request.put(f, body.get(f).asText());
        });
        Instant now = Instant.now();
        PsiJobStore.PsiJob job = new PsiJobStore.PsiJob(UUID.randomUUID().toString(), "INITIATOR", zone, null, caller.org(),
                contractId, type, PeerCalls.JSON.valueToTree(request).toString(), JobStatus.SUBMITTED, List.of(), null, null, null, now, now);
        transitions.submitted(job, Map.of("jobType", type, "localContract", localContract, "requestCommitment",
                commitments.commit(ZoneCommitments.Purpose.PSI_REQUEST, job.id(), Digests.canonical(PeerCalls.JSON.valueToTree(request)))));
        transitions.move(job, JobStatus.SUBMITTED, JobStatus.ANALYSED, List.of(), Map.of());

        Job.Reason unreadable = sets.refusal(localDataset).orElse(null);
        if (unreadable != null) {
            end(job, JobStatus.ANALYSED, JobStatus.REJECTED, unreadable.code(), unreadable.message());
            return store.find(job.id()).orElseThrow();
        }
        Offer localOffer = contracts.terms(localContract).orElseThrow().offer().offer();
        PsiRelease.Side side = PsiRelease.Side.of(localOffer);
        List<Reservation> reserved = new ArrayList<>();
        Result<Reservation> quota = budgets.reserve(List.of(BudgetKey.contractJobs(localContract)), 1, job.id());
        if (!quota.isOk()) {
            end(job, JobStatus.ANALYSED, JobStatus.REJECTED, "QUOTA_EXHAUSTED", "the local contract's job quota is used up");
            return store.find(job.id()).orElseThrow();
        }
        reserved.add(quota.value());
        Result<Reservation> eps = budgets.reserve(List.of(BudgetKey.contract(localContract), BudgetKey.datasetOrg(localDataset, caller.org())),
                side.microEpsilon(), job.id());
        if (!eps.isOk()) {
            budgets.refund(quota.value());
            end(job, JobStatus.ANALYSED, JobStatus.REJECTED, "BUDGET_EXHAUSTED", "the local contract's privacy budget is used up");
            return store.find(job.id()).orElseThrow();
        }
        reserved.add(eps.value());
        Local local = new Local(localContract, localDataset, localKey, side);
        run(job, peer, jobType, local, remoteDataset, remoteKey, metric, reserved);
        return store.find(job.id()).orElseThrow();
    }

    /** The consumer zone's own input: its contract, dataset, join key and privacy terms. */
    private record Local(String contract, String dataset, String joinKey, PsiRelease.Side side) {}

    private void run(PsiJobStore.PsiJob job, TrustedZone peer, JobType type, Local local, String remoteDataset, String remoteKey,
                     String metric, List<Reservation> reserved) {
        JobStatus at = JobStatus.ANALYSED;
        PsiInitiator initiator;
        try {
            initiator = PsiInitiator.create(keys.suite(), sets.keys(local.dataset(), local.joinKey(), local.side().maxRowsPerEntity()).keys());
        } catch (RuntimeException e) { // reading is total (PsiSets): corruption or I/O, nothing left the zone
            settle(reserved, at);
            end(job, at, JobStatus.FAILED, "PSI_INPUT_INVALID", "the local dataset cannot be read for PSI");
            return;
        }
        try {
            Map<String, Object> open = new LinkedHashMap<>();
            open.put("jobType", type.name());
            open.put("contractId", job.contractId());
            open.put("consumerOrg", job.consumerOrg());
            open.put("datasetId", remoteDataset);
            open.put("joinKey", remoteKey);
            if (metric != null) open.put("metric", metric);
            open.put("initiatorJobId", job.id());
            open.put("sessionId", Base64.getEncoder().encodeToString(initiator.sessionId()));
            open.put("suite", keys.suite().name());
            open.put("initiatorPrivacy", Map.of("microEpsilon", local.side().microEpsilon(),
                    "maxRowsPerEntity", local.side().maxRowsPerEntity()));
            JsonNode hello = calls.postJson(peer, "/federation/v1/psi/sessions", open);
            String session = ZoneContractApi.checkId(hello.path("sessionId").asText());
            store.setPeerJob(job.id(), session);
            transitions.move(job, JobStatus.ANALYSED, JobStatus.RUNNING, List.of(), Map.of("peerJob", session));
            at = JobStatus.RUNNING;
            String base = "/federation/v1/psi/sessions/" + session;
            initiator.acceptHello(Base64.getDecoder().decode(hello.path("hello").asText()));
            for (Iterator<byte[]> it = initiator.blindedKeys(); it.hasNext(); ) calls.post(peer, base + "/blinded", it.next());
            for (byte[] b = calls.post(peer, base + "/double-blinded", new byte[0]); b.length > 0;
                 b = calls.post(peer, base + "/double-blinded", new byte[0])) {
                initiator.acceptDoubleBlinded(b);
            }
            for (byte[] b = calls.post(peer, base + "/entries", new byte[0]); b.length > 0; b = calls.post(peer, base + "/entries", new byte[0])) {
                initiator.acceptResponderEntries(b);
            }
            JsonNode out = PeerCalls.JSON.readTree(calls.post(peer, base + "/result", initiator.result()));
            JsonNode released = out.path("released");
            // The responder's commitment (on its ledger) must open to what it sent, with the key it sent (ADR 0021).
            String commitment = out.path("resultCommitment").asText();
            String openingKey = out.path("resultOpeningKey").asText();
            if (!released.isObject() || !ZoneCommitments.verify(peer.suite(), openingKey, Digests.canonical(released), commitment)) {
                throw new ApiException(HttpStatus.BAD_GATEWAY, "PEER_ANSWER_INVALID", "the released result does not open its commitment");
            }
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("suppressed", released.path("suppressed").asBoolean());
            attrs.put("microEpsilon", local.side().microEpsilon());
            attrs.put("peerJob", session);
            transitions.move(job, JobStatus.RUNNING, JobStatus.CHECKED, List.of(), attrs, () -> {
                store.setResult(job.id(), released.toString());
                reserved.forEach(budgets::commit);
            });
            transitions.move(job, JobStatus.CHECKED, JobStatus.RELEASED, List.of(), Map.of("resultCommitment", commitment),
                    () -> store.setCommitment(job.id(), commitment, openingKey));
            contracts.exhaustIfQuotaUsedUp(local.contract());
        } catch (ApiException e) {
            settle(reserved, at);
            // A refusal by the provider zone (4xx) is a rejection with its code; anything else a failure.
            boolean refused = e.status().is4xxClientError();
            end(job, at, refused ? JobStatus.REJECTED : JobStatus.FAILED, e.code(), e.getMessage());
        } catch (RuntimeException | java.io.IOException e) {
            settle(reserved, at);
            end(job, at, JobStatus.FAILED, "PSI_PROTOCOL_ERROR", "the provider zone's PSI messages were refused");
        }
    }

    /**
     * The quota comes back; ε is spent once the session is open (RUNNING): from then on this zone's keys
     * took part, as for a failed DP SQL job. Before, nothing left the zone and ε comes back too.
     */
    private void settle(List<Reservation> reserved, JobStatus at) {
        for (Reservation r : reserved) {
            if (at == JobStatus.RUNNING && !r.keys().get(0).kind().equals(BudgetKey.CONTRACT_JOBS)) budgets.commit(r);
            else budgets.refund(r);
        }
    }

    /** An AGREED local contract of the caller that lets it use {@code dataset}'s {@code joinKey} for this job type. */
    private String localContract(Caller caller, JobType type, String dataset, String joinKey) {
        Dataset d = datasets.find(dataset).orElseThrow(() -> ApiException.notFound("dataset"));
        Map<String, ColumnRole> roles = new LinkedHashMap<>();
        d.roles().forEach((c, r) -> ColumnRole.parse(r).ifPresent(role -> roles.put(c, role)));
        QueryFootprint f = new QueryFootprint(type, Set.of(dataset), List.of(new ColumnUse(dataset, joinKey, UseKind.JOIN_KEY, null)), Set.of());
        List<String> candidates = jdbc.queryForList("SELECT c.id FROM contracts c JOIN offer_datasets od ON od.offer_id = c.offer_id"
                + " WHERE c.consumer_org = ? AND c.state = 'AGREED' AND od.dataset_id = ? ORDER BY c.created_at", String.class, caller.org(), dataset);
        List<String> codes = new ArrayList<>();
        for (String id : candidates) {
            ContractService.ContractTerms t = contracts.terms(id).orElse(null);
            if (t == null) continue;
            Decision dec = engine.evaluate(t.contract(), t.offer().offer(), Map.of(dataset, roles), f, caller.org(), tier,
                    Instant.now(), t.jobsUsed());
            if (dec.permitted()) return id;
            dec.reasons().forEach(r -> codes.add(r.code()));
        }
        throw ApiException.forbidden("LOCAL_DATASET_NOT_COVERED", "no agreed local contract lets you use this dataset's column for "
                + type + (codes.isEmpty() ? "" : " (" + String.join(", ", codes.stream().distinct().toList()) + ")"));
    }

    private void end(PsiJobStore.PsiJob job, JobStatus from, JobStatus to, String code, String message) {
        transitions.move(job, from, to, List.of(new Job.Reason(code, message)), Map.of());
    }

    PsiJobStore.PsiJob get(Caller caller, String id) {
        return store.find(id).filter(j -> j.role().equals("INITIATOR") && j.consumerOrg().equals(caller.org()))
                .orElseThrow(() -> ApiException.notFound("job"));
    }

    List<PsiJobStore.PsiJob> mine(Caller caller, int offset, int limit) {
        return store.byConsumer(caller.org(), "INITIATOR", offset, limit);
    }
}
