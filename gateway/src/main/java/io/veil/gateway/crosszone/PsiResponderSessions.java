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

import java.math.BigInteger;
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
 * type allowed, the join key a join key of the offer, SUM allowed on the metric) and the job quota and
 * ε are reserved. Only after the initiator's RESULT does this zone apply its release rules — the
 * distinct-entity threshold ({@code minEntities}) on the intersection and, where the offer has
 * privacy, discrete Laplace noise from {@link SecureNoise} — and only the released aggregate leaves.
 * Sessions live in memory; a restart loses open sessions (the job then stays RUNNING, see docs).
 */
@Component
class PsiResponderSessions {
    static final Duration SESSION_TTL = Duration.ofMinutes(15);
    private final ContractService contracts;
    private final RemoteContractStore remote;
    private final DatasetStore datasets;
    private final DatasetColumns columns;
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
                         BudgetStore budgets, MeteringService metering, PsiJobStore store, PsiTransitions transitions,
                         ZoneKeyStore keys, ZoneCommitments commitments) {
        this.commitments = commitments;
        this.contracts = contracts;
        this.remote = remote;
        this.datasets = datasets;
        this.columns = columns;
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
        final List<Reservation> reservations;
        final PsiResponder responder;
        final long rowsScanned;
        final long started = System.nanoTime();
        final Instant created = Instant.now();
        Iterator<byte[]> doubleBlinded;
        Iterator<byte[]> entries;

        Session(PsiJobStore.PsiJob job, TrustedZone peer, ContractService.ContractTerms terms, String datasetId, String metric,
                List<Reservation> reservations, PsiResponder responder, long rowsScanned) {
            this.job = job;
            this.peer = peer;
            this.terms = terms;
            this.datasetId = datasetId;
            this.metric = metric;
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
        transitions.move(job, JobStatus.SUBMITTED, JobStatus.ANALYSED, List.of(), Map.of());

        Offer offer = terms.offer().offer();
        List<Reservation> held = new ArrayList<>();
        Result<Reservation> quota = budgets.reserve(List.of(BudgetKey.contractJobs(contractId)), 1, job.id());
        if (!quota.isOk()) {
            reject(job, JobStatus.ANALYSED, "QUOTA_EXHAUSTED", "the contract's job quota is used up");
            throw ApiException.conflict("QUOTA_EXHAUSTED", "the contract's job quota is used up");
        }
        held.add(quota.value());
        if (offer.privacy().isPresent()) {
            Result<Reservation> eps = budgets.reserve(List.of(BudgetKey.contract(contractId), BudgetKey.datasetOrg(datasetId, qualified)),
                    offer.privacy().get().microEpsilonPerQuery(), job.id());
            if (!eps.isOk()) {
                held.forEach(budgets::refund);
                reject(job, JobStatus.ANALYSED, "BUDGET_EXHAUSTED", "the privacy budget is used up");
                throw ApiException.conflict("BUDGET_EXHAUSTED", "the privacy budget is used up");
            }
            held.add(eps.value());
        }
        if (!transitions.move(job, JobStatus.ANALYSED, JobStatus.RUNNING, List.of(), Map.of())) {
            held.forEach(budgets::refund);
            throw ApiException.conflict("JOB_STATE_CHANGED", "the job changed state concurrently");
        }
        PsiResponder responder;
        long rows;
        try {
            if (metric == null) {
                DatasetColumns.Read r = columns.keys(datasetId, joinKey);
                rows = r.rowsScanned();
                responder = PsiResponder.forCount(keys.suite(), sessionId, r.keys());
            } else {
                Offer.Bounds bounds = offer.privacy().map(p -> p.contributionBounds().get(metric)).orElse(null);
                DatasetColumns.Read r = columns.entries(datasetId, joinKey, metric, bounds);
                rows = r.rowsScanned();
                responder = PsiResponder.forSum(keys.suite(), sessionId, r.entries(), AdditiveHe.paillier().generateKeyPair());
            }
        } catch (RuntimeException e) {
            Session s = new Session(job, peer, terms, datasetId, metric, held, null, 0);
            fail(s, e instanceof ApiException a ? a.code() : "PSI_INPUT_INVALID");
            throw e instanceof ApiException a ? a : ApiException.unprocessable("PSI_INPUT_INVALID", "the dataset cannot be used for PSI");
        }
        sessions.put(job.id(), new Session(job, peer, terms, datasetId, metric, held, responder, rows));
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

    /** The next DOUBLE_BLINDED batch, or null when all were sent. Refuses initiator sets below minEntities. */
    byte[] doubleBlinded(TrustedZone peer, String id) {
        Session s = session(peer, id);
        synchronized (s) {
            if (s.doubleBlinded == null) {
                long n = protocolValue(s, () -> s.responder.initiatorSetSize());
                int min = s.terms.offer().offer().rules().minEntities();
                if (n < min) {
                    // Nothing has been revealed yet: refund, and refuse a set that would turn PSI into a membership probe.
                    sessions.remove(s.job.id());
                    s.reservations.forEach(budgets::refund);
                    reject(s.job, JobStatus.RUNNING, "PSI_SET_TOO_SMALL", "the initiator's set is smaller than the offer's minEntities");
                    throw ApiException.unprocessable("PSI_SET_TOO_SMALL", "the initiator's set has fewer than " + min + " keys");
                }
                s.doubleBlinded = s.responder.doubleBlinded();
            }
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
            if (s.entries == null) s.entries = s.responder.entries();
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
        int min = offer.rules().minEntities();
        boolean suppressed = r.intersectionSize() < min;
        long microEps = offer.privacy().map(Offer.Privacy::microEpsilonPerQuery).orElse(0L);
        ObjectNode released = PeerCalls.JSON.createObjectNode();
        released.put("jobType", s.job.type());
        released.put("suppressed", suppressed);
        released.put("minEntities", min);
        released.put("differentialPrivacy", offer.privacy().isPresent());
        released.put("microEpsilon", microEps);
        if (s.metric == null) {
            if (suppressed) released.putNull("intersectionSize");
            else released.put("intersectionSize", offer.privacy().isPresent()
                    ? Math.max(0, r.intersectionSize() + noise.discreteLaplace(1e6 / microEps))
                    : r.intersectionSize());
        } else {
            BigInteger sum = r.sum().orElseThrow();
            if (suppressed) {
                released.putNull("sum");
            } else if (offer.privacy().isPresent()) {
                Offer.Bounds b = offer.privacy().get().contributionBounds().get(s.metric);
                double sensitivity = Math.max(Math.abs(b.lo()), Math.abs(b.hi()));
                released.put("sum", Math.round(noise.addNoise(sum.doubleValue(), sensitivity * 1e6 / microEps)));
            } else {
                released.put("sum", sum);
            }
        }
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
