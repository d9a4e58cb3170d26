package io.veil.gateway.crosszone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.crypto.ZoneKeyStore;
import io.veil.crypto.he.AdditiveHe;
import io.veil.crypto.psi.PsiProtocolException;
import io.veil.crypto.psi.PsiResponder;
import io.veil.crypto.psi.PsiResult;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.contracts.ContractService;
import io.veil.gateway.datasets.Dataset;
import io.veil.gateway.datasets.DatasetStore;
import io.veil.gateway.federation.TrustedZone;
import io.veil.gateway.jobs.Job;
import io.veil.gateway.jobs.JobStatus;
import io.veil.gateway.keys.ZoneCommitments;
import io.veil.gateway.metering.MeteringService;
import io.veil.gateway.offers.Digests;
import io.veil.gateway.offers.PolicyRefusal;
import io.veil.policy.Aggregate;
import io.veil.policy.BudgetKey;
import io.veil.policy.BudgetStore;
import io.veil.policy.ColumnRole;
import io.veil.policy.ColumnUse;
import io.veil.policy.Decision;
import io.veil.policy.JobType;
import io.veil.policy.Offer;
import io.veil.policy.PolicyEngine;
import io.veil.policy.Pricing;
import io.veil.policy.QueryFootprint;
import io.veil.policy.Reservation;
import io.veil.policy.Result;
import io.veil.policy.UseKind;
import io.veil.policy.ZoneTier;
import io.veil.sandbox.privacy.SecureNoise;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The provider zone's side of a PSI job (responder, holder of the metric and the Paillier key pair).
 * Before any data is touched the contract is checked with the policy engine for the PSI footprint
 * (contract AGREED and valid, the requesting zone's org is its consumer, the dataset covered, the job
 * type allowed, the offer has privacy, the join key a join key of the offer, SUM allowed on the metric),
 * the noise plan is fixed from public parameters ({@link PsiRelease#plan}) and the job quota and ε are
 * reserved. Only after the initiator's RESULT does this zone release — one noisy measurement of the
 * intersection (and of the sum), the suppression flag decided on the noisy count ({@link PsiRelease}) —
 * and only that leaves. Once the data was read, a failure is FAILED with a generic code and still spends
 * ε. Sessions live in memory; a restart loses open sessions (PsiRecovery fails them).
 */
@Component
class PsiResponderSessions {
    static final Duration SESSION_TTL = Duration.ofMinutes(15);
    private final ContractService contracts;
    private final RemoteContractStore remote;
    private final DatasetStore datasets;
    private final DatasetColumns columns;
    private final PsiSets sets;
    private final BudgetStore budgets;
    private final MeteringService metering;
    private final PsiJobStore store;
    private final PsiTransitions transitions;
    private final ZoneKeyStore keys;
    private final ZoneCommitments commitments;
    private final PolicyEngine engine = new PolicyEngine();
    private final SecureNoise noise = new SecureNoise();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    PsiResponderSessions(ContractService contracts, RemoteContractStore remote, DatasetStore datasets, DatasetColumns columns,
                         PsiSets sets, BudgetStore budgets, MeteringService metering, PsiJobStore store, PsiTransitions transitions,
                         ZoneKeyStore keys, ZoneCommitments commitments) {
        this.commitments = commitments;
        this.contracts = contracts;
        this.remote = remote;
        this.datasets = datasets;
        this.columns = columns;
        this.sets = sets;
        this.budgets = budgets;
        this.metering = metering;
        this.store = store;
        this.transitions = transitions;
        this.keys = keys;
    }

    private static final class Session {
        final PsiJobStore.PsiJob job;
        final TrustedZone peer;
        final ContractService.ContractTerms terms;
        final String datasetId;
        final String metric;
        final PsiRelease.Plan plan;
        final List<Reservation> reservations;
        final PsiResponder responder;
        final long rowsScanned;
        final long started = System.nanoTime();
        final Instant created = Instant.now();
        Iterator<byte[]> doubleBlinded;
        Iterator<byte[]> entries;

        Session(PsiJobStore.PsiJob job, TrustedZone peer, ContractService.ContractTerms terms, String datasetId, String metric,
                PsiRelease.Plan plan, List<Reservation> reservations, PsiResponder responder, long rowsScanned) {
            this.job = job;
            this.peer = peer;
            this.terms = terms;
            this.datasetId = datasetId;
            this.metric = metric;
            this.plan = plan;
            this.reservations = reservations;
            this.responder = responder;
            this.rowsScanned = rowsScanned;
        }
    }

    /** {@code POST /federation/v1/psi/sessions}: decide, reserve, read own data, answer with the HELLO. */
    Map<String, Object> open(TrustedZone peer, JsonNode body) {
        expireStale();
        String type = ProviderSideContracts.text(body, "jobType");
        JobType jobType = JobType.parse(type).filter(t -> t != JobType.SQL)
                .orElseThrow(() -> ApiException.badRequest("JOB_TYPE_UNSUPPORTED", "jobType must be PSI_COUNT or PSI_SUM"));
        String contractId = ZoneContractApi.checkId(ProviderSideContracts.text(body, "contractId"));
        String org = ProviderSideContracts.text(body, "consumerOrg");
        String datasetId = ProviderSideContracts.text(body, "datasetId");
        String joinKey = ProviderSideContracts.text(body, "joinKey");
        String metric = jobType == JobType.PSI_SUM ? ProviderSideContracts.text(body, "metric") : null;
        String initiatorJob = ProviderSideContracts.text(body, "initiatorJobId");
        PsiRelease.Side initiatorSide = initiatorSide(body.path("initiatorPrivacy"));
        byte[] sessionId;
        try {
            sessionId = Base64.getDecoder().decode(ProviderSideContracts.text(body, "sessionId"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("INVALID_REQUEST", "sessionId must be base64");
        }
        if (!keys.suite().name().equals(ProviderSideContracts.text(body, "suite"))) {
            throw ApiException.unprocessable("PSI_SUITE_MISMATCH", "this zone runs PSI in suite " + keys.suite());
        }
        String qualified = ProviderSideContracts.qualified(org, peer.zoneId());
        // Someone else's contract (another zone's or another org's) is indistinguishable from a missing one.
        remote.remoteConsumer(contractId).filter(r -> r.zone().equals(peer.zoneId()) && r.org().equals(org))
                .orElseThrow(() -> ApiException.notFound("contract"));
        ContractService.ContractTerms terms = contracts.terms(contractId).orElseThrow(() -> ApiException.notFound("contract"));

        Map<String, Object> request = new LinkedHashMap<>();
        request.put("jobType", type);
        request.put("datasetId", datasetId);
        request.put("joinKey", joinKey);
        if (metric != null) request.put("metric", metric);
        request.put("initiatorJobId", initiatorJob);
        Instant now = Instant.now();
        PsiJobStore.PsiJob job = new PsiJobStore.PsiJob(UUID.randomUUID().toString(), "RESPONDER", peer.zoneId(), initiatorJob,
                qualified, contractId, type, PeerCalls.JSON.valueToTree(request).toString(), JobStatus.SUBMITTED, List.of(), null,
                null, null, now, now);
        transitions.submitted(job, Map.of("jobType", type, "datasetId", datasetId, "requestCommitment",
                commitments.commit(ZoneCommitments.Purpose.PSI_REQUEST, job.id(), Digests.canonical(PeerCalls.JSON.valueToTree(request)))));

        // Decide before touching any data.
        Map<String, Map<String, ColumnRole>> roles = new LinkedHashMap<>();
        datasets.find(datasetId).ifPresent(d -> roles.put(d.id(), roles(d)));
        List<ColumnUse> uses = new ArrayList<>(List.of(new ColumnUse(datasetId, joinKey, UseKind.JOIN_KEY, null)));
        if (metric != null) uses.add(new ColumnUse(datasetId, metric, UseKind.AGGREGATE_ARG, Aggregate.SUM));
        QueryFootprint footprint = new QueryFootprint(jobType, Set.of(datasetId), uses, Set.of());
        Decision d = engine.evaluate(terms.contract(), terms.offer().offer(), roles, footprint, qualified,
                ZoneTier.parse(peer.tier()).orElse(null), now, terms.jobsUsed());
        if (!d.permitted()) {
            List<Job.Reason> reasons = d.reasons().stream().map(r -> new Job.Reason(r.code(), r.message())).toList();
            transitions.move(job, JobStatus.SUBMITTED, JobStatus.REJECTED, reasons, Map.of());
            HttpStatus status = d.reasons().get(0).code().equals("CONTRACT_NOT_AGREED") ? HttpStatus.CONFLICT : HttpStatus.FORBIDDEN;
            throw PolicyRefusal.reasons(status, d);
        }
        if (metric != null && !"BIGINT".equals(columns.type(datasetId, metric))) {
            reject(job, JobStatus.SUBMITTED, "PSI_METRIC_NOT_INTEGER", "PSI_SUM needs a BIGINT metric column");
            throw ApiException.unprocessable("PSI_METRIC_NOT_INTEGER", "PSI_SUM needs a BIGINT metric column");
        }
        Offer offer = terms.offer().offer();
        Job.Reason unreadable = sets.refusal(datasetId).orElse(null);
        if (unreadable != null) {
            reject(job, JobStatus.SUBMITTED, unreadable.code(), unreadable.message());
            throw ApiException.unprocessable(unreadable.code(), unreadable.message());
        }
        PsiRelease.Plan plan = PsiRelease.plan(jobType, offer, metric, initiatorSide).orElse(null);
        if (plan == null) {
            String m = "the noise scale for these privacy terms is beyond what the sampler supports; raise ε or lower the bounds";
            reject(job, JobStatus.SUBMITTED, "PSI_NOISE_SCALE_TOO_LARGE", m);
            throw ApiException.unprocessable("PSI_NOISE_SCALE_TOO_LARGE", m);
        }
        transitions.move(job, JobStatus.SUBMITTED, JobStatus.ANALYSED, List.of(), Map.of());

        List<Reservation> held = new ArrayList<>();
        Result<Reservation> quota = budgets.reserve(List.of(BudgetKey.contractJobs(contractId)), 1, job.id());
        if (!quota.isOk()) {
            reject(job, JobStatus.ANALYSED, "QUOTA_EXHAUSTED", "the contract's job quota is used up");
            throw ApiException.conflict("QUOTA_EXHAUSTED", "the contract's job quota is used up");
        }
        held.add(quota.value());
        Result<Reservation> eps = budgets.reserve(List.of(BudgetKey.contract(contractId), BudgetKey.datasetOrg(datasetId, qualified)),
                plan.microEpsilon(), job.id());
        if (!eps.isOk()) {
            held.forEach(budgets::refund);
            reject(job, JobStatus.ANALYSED, "BUDGET_EXHAUSTED", "the privacy budget is used up");
            throw ApiException.conflict("BUDGET_EXHAUSTED", "the privacy budget is used up");
        }
        held.add(eps.value());
        if (!transitions.move(job, JobStatus.ANALYSED, JobStatus.RUNNING, List.of(), Map.of())) {
            held.forEach(budgets::refund);
            throw ApiException.conflict("JOB_STATE_CHANGED", "the job changed state concurrently");
        }
        PsiResponder responder;
        long rows;
        long perEntity = offer.rules().maxRowsPerEntity().orElse(1);
        try {
            if (metric == null) {
                PsiSets.Read r = sets.keys(datasetId, joinKey, perEntity);
                rows = r.rowsScanned();
                responder = PsiResponder.forCount(keys.suite(), sessionId, r.keys());
            } else {
                PsiSets.Read r = sets.entries(datasetId, joinKey, metric, perEntity, plan.clamp());
                rows = r.rowsScanned();
                responder = PsiResponder.forSum(keys.suite(), sessionId, r.entries(), AdditiveHe.paillier().generateKeyPair());
            }
        } catch (RuntimeException e) {
            // Reading is total (PsiSets): what is left is corruption or I/O, one generic code, ε spent.
            fail(new Session(job, peer, terms, datasetId, metric, plan, held, null, 0), "PSI_INPUT_INVALID");
            throw ApiException.unprocessable("PSI_INPUT_INVALID", "the dataset cannot be read for PSI");
        }
        sessions.put(job.id(), new Session(job, peer, terms, datasetId, metric, plan, held, responder, rows));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sessionId", job.id());
        out.put("hello", Base64.getEncoder().encodeToString(responder.hello()));
        return out;
    }

    /** The initiator's blinded keys, one batch per call. */
    void blinded(TrustedZone peer, String id, byte[] batch) {
        Session s = session(peer, id);
        synchronized (s) {
            protocol(s, () -> s.responder.acceptInitiatorBlinded(batch));
        }
    }

    /**
     * The next DOUBLE_BLINDED batch, or null when all were sent. Small initiator sets are not refused: the
     * answer is noisy whatever the set, and a refusal would be an exact bit about the initiator's data.
     */
    byte[] doubleBlinded(TrustedZone peer, String id) {
        Session s = session(peer, id);
        synchronized (s) {
            if (s.doubleBlinded == null) s.doubleBlinded = protocolValue(s, s.responder::doubleBlinded);
            return s.doubleBlinded.hasNext() ? s.doubleBlinded.next() : null;
        }
    }

    /** The next RESPONDER_ENTRIES batch, or null when all were sent. */
    byte[] entries(TrustedZone peer, String id) {
        Session s = session(peer, id);
        synchronized (s) {
            if (s.doubleBlinded == null || s.doubleBlinded.hasNext()) {
                throw ApiException.conflict("PSI_OUT_OF_ORDER", "the double-blinded keys have not all been fetched");
            }
            if (s.entries == null) s.entries = protocolValue(s, s.responder::entries);
            return s.entries.hasNext() ? protocolValue(s, () -> s.entries.next()) : null;
        }
    }

    /** The initiator's RESULT: apply the release rules and answer with the released aggregate only. */
    Map<String, Object> result(TrustedZone peer, String id, byte[] msg) {
        Session s = session(peer, id);
        synchronized (s) {
            if (s.entries == null || s.entries.hasNext()) throw ApiException.conflict("PSI_OUT_OF_ORDER", "entries not all fetched");
            PsiResult r = protocolValue(s, () -> s.responder.acceptResult(msg));
            sessions.remove(s.job.id());
            return release(s, r);
        }
    }

    private Map<String, Object> release(Session s, PsiResult r) {
        Offer offer = s.terms.offer().offer();
        ObjectNode released;
        try {
            released = PsiRelease.release(s.plan, r, noise);
        } catch (RuntimeException e) { // the plan was checked up front; this would be a bug, and must not leave the job RUNNING
            fail(s, "PSI_INPUT_INVALID");
            throw ApiException.unprocessable("PSI_INPUT_INVALID", "the PSI result could not be released");
        }
        boolean suppressed = released.path("suppressed").asBoolean();
        long microEps = s.plan.microEpsilon();
        String commitment = commitments.commit(ZoneCommitments.Purpose.PSI_RESULT, s.job.id(), Digests.canonical(released));
        long cpuMillis = (System.nanoTime() - s.started) / 1_000_000;
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("suppressed", suppressed);
        attrs.put("microEpsilon", microEps);
        attrs.put("rowsScanned", s.rowsScanned);
        boolean ok = transitions.move(s.job, JobStatus.RUNNING, JobStatus.CHECKED, List.of(), attrs, () -> {
            store.setResult(s.job.id(), released.toString());
            s.reservations.forEach(budgets::commit);
            metering.record(Pricing.meter(s.job.id(), s.terms.contract(), offer, s.rowsScanned, cpuMillis, microEps),
                    s.terms.contract().providerOrg(), List.of(s.datasetId));
        });
        if (!ok) {
            s.reservations.forEach(budgets::refund);
            throw ApiException.conflict("JOB_STATE_CHANGED", "the job changed state concurrently");
        }
        transitions.move(s.job, JobStatus.CHECKED, JobStatus.RELEASED, List.of(), Map.of("resultCommitment", commitment),
                () -> store.setCommitment(s.job.id(), commitment, null));
        contracts.exhaustIfQuotaUsedUp(s.terms.contract().id());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("responderJobId", s.job.id());
        out.put("released", released);
        out.put("resultCommitment", commitment);
        // The initiator zone acts for the consumer, who is entitled to this aggregate: with the key it checks the commitment.
        out.put("resultOpeningKey", commitments.openingKey(ZoneCommitments.Purpose.PSI_RESULT, s.job.id()));
        return out;
    }

    private Session session(TrustedZone peer, String id) {
        Session s = sessions.get(id);
        if (s == null || !s.peer.zoneId().equals(peer.zoneId())) throw ApiException.notFound("psi session");
        return s;
    }

    private void protocol(Session s, Runnable step) {
        protocolValue(s, () -> {
            step.run();
            return null;
        });
    }

    /** A protocol violation ends the session: FAILED, quota refunded, ε spent (the data was touched). */
    private <T> T protocolValue(Session s, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (PsiProtocolException | IllegalStateException e) {
            sessions.remove(s.job.id());
            fail(s, "PSI_PROTOCOL_ERROR");
            throw ApiException.badRequest("PSI_PROTOCOL_ERROR", "the PSI message was refused; the session is closed");
        }
    }

    private void fail(Session s, String code) {
        for (Reservation r : s.reservations) {
            if (r.keys().get(0).kind().equals(BudgetKey.CONTRACT_JOBS)) budgets.refund(r);
            else budgets.commit(r);
        }
        transitions.move(s.job, JobStatus.RUNNING, JobStatus.FAILED, List.of(new Job.Reason(code, "the PSI run failed")), Map.of());
    }

    /**
     * {@code initiatorPrivacy}: the initiator zone's terms for its own dataset ({@code microEpsilon} per query,
     * {@code maxRowsPerEntity}); the noise must cover its sensitivity too (PsiRelease). Required.
     */
    static PsiRelease.Side initiatorSide(JsonNode n) {
        JsonNode eps = n.path("microEpsilon");
        JsonNode rows = n.path("maxRowsPerEntity");
        if (!n.isObject() || n.size() != 2 || !eps.canConvertToExactIntegral() || !rows.canConvertToExactIntegral()
                || !eps.canConvertToLong() || eps.asLong() < 1 || eps.asLong() > 1_000_000_000_000L
                || !rows.canConvertToLong() || rows.asLong() < 1 || rows.asLong() > 1_000_000) {
            throw ApiException.badRequest("INVALID_REQUEST",
                    "initiatorPrivacy must be {microEpsilon: 1..10^12, maxRowsPerEntity: 1..10^6}");
        }
        return new PsiRelease.Side(eps.asLong(), rows.asLong());
    }

    private void reject(PsiJobStore.PsiJob job, JobStatus from, String code, String message) {
        transitions.move(job, from, JobStatus.REJECTED, List.of(new Job.Reason(code, message)), Map.of());
    }

    private void expireStale() {
        Instant cutoff = Instant.now().minus(SESSION_TTL);
        for (Session s : List.copyOf(sessions.values())) {
            if (s.created.isBefore(cutoff) && sessions.remove(s.job.id(), s)) {
                synchronized (s) {
                    fail(s, "PSI_SESSION_EXPIRED");
                }
            }
        }
    }

    private static Map<String, ColumnRole> roles(Dataset d) {
        Map<String, ColumnRole> m = new LinkedHashMap<>();
        d.roles().forEach((c, r) -> ColumnRole.parse(r).ifPresent(role -> m.put(c, role)));
        return m;
    }
}
