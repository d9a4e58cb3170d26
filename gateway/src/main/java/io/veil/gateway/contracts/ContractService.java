package io.veil.gateway.contracts;

import io.veil.gateway.api.ApiException;
import io.veil.gateway.budgets.ContractBudgets;
import io.veil.gateway.config.VeilProperties;
import io.veil.gateway.ledger.LedgerOutbox;
import io.veil.gateway.metering.MeteringService;
import io.veil.gateway.offers.Digests;
import io.veil.gateway.offers.OfferService;
import io.veil.gateway.offers.OfferService.StoredOffer;
import io.veil.gateway.offers.PolicyRefusal;
import io.veil.gateway.security.Caller;
import io.veil.policy.Actor;
import io.veil.policy.AgreementDocument;
import io.veil.policy.BudgetBalance;
import io.veil.policy.BudgetStore;
import io.veil.policy.Contract;
import io.veil.policy.ContractAction;
import io.veil.policy.ContractState;
import io.veil.policy.ContractStateMachine;
import io.veil.policy.Decision;
import io.veil.policy.PolicyEngine;
import io.veil.policy.Result;
import io.veil.policy.ZoneTier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Contract lifecycle over HTTP and for the job service. Each transition is a compare-and-set on the row
 * plus its ledger event in one transaction; expiry is applied lazily before any read or action (and by
 * {@link ContractExpirySweep}), in its own transaction so it sticks even when the action is then refused.
 */
@Service
public class ContractService {
    private final ContractStore store;
    private final OfferService offers;
    private final AgreementSigner signer;
    private final BudgetStore budgets;
    private final MeteringService metering;
    private final LedgerOutbox outbox;
    private final TransactionTemplate tx;
    private final ZoneTier tier;
    private final PolicyEngine engine = new PolicyEngine();
    private final ObjectProvider<RemoteParties> remote;

    ContractService(ContractStore store, OfferService offers, AgreementSigner signer, BudgetStore budgets,
                    MeteringService metering, LedgerOutbox outbox, TransactionTemplate tx, VeilProperties props,
                    ObjectProvider<RemoteParties> remote) {
        this.remote = remote;
        this.store = store;
        this.offers = offers;
        this.signer = signer;
        this.budgets = budgets;
        this.metering = metering;
        this.outbox = outbox;
        this.tx = tx;
        // An unknown tier stays null and every request is then denied (ASSIGNEE_TIER_NOT_ALLOWED): fail closed.
        this.tier = ZoneTier.parse(props.zone().tier()).orElse(null);
    }

    /** An agreed contract with its offer, as the job service needs them for PolicyEngine.evaluate. */
    public record ContractTerms(Contract contract, StoredOffer offer, long jobsUsed) {}

    Contract request(Caller caller, String body) {
        return request(caller.org(), tier, ContractRequestBody.parse(body), c -> {});
    }

    /**
     * A contract requested by an organisation of a peer zone, asserted by that (authenticated) zone:
     * {@code qualifiedOrg} is {@code org@zone}, {@code consumerTier} the tier this zone configured for the
     * peer. Decided and recorded exactly like a local request; {@code sameTransaction} runs in the
     * insert's transaction (the cross-zone module records the consumer's zone and key there).
     */
    public Contract requestForRemoteConsumer(String qualifiedOrg, ZoneTier consumerTier, String offerId, String purpose,
                                             java.util.function.Consumer<Contract> sameTransaction) {
        if (!RemoteParties.isRemote(qualifiedOrg)) throw new IllegalArgumentException("not a qualified remote org");
        String body;
        try {
            body = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(Map.of("offerId", offerId, "purpose", purpose));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return request(qualifiedOrg, consumerTier, ContractRequestBody.parse(body), sameTransaction);
    }

    private Contract request(String consumerOrg, ZoneTier consumerTier, ContractRequestBody b,
                             java.util.function.Consumer<Contract> sameTransaction) {
        StoredOffer o = offers.find(b.offerId())
                .orElseThrow(() -> ApiException.unprocessable("UNKNOWN_OFFER", "offer '" + b.offerId() + "' does not exist"));
        Instant now = now();
        Decision d = engine.evaluateRequest(o.offer(), consumerOrg, consumerTier, b.purpose(), now);
        if (!d.permitted()) throw PolicyRefusal.reasons(HttpStatus.FORBIDDEN, d);
        ContractState first = refuseIfErr(ContractStateMachine.request(Actor.CONSUMER));
        // The contract covers the offer's whole window; the engine intersects both anyway.
        Contract c = new Contract(UUID.randomUUID().toString(), o.id(), o.providerOrg(), consumerOrg, b.purpose(), first,
                o.offer().validFrom(), o.offer().validUntil(), now);
        tx.executeWithoutResult(s -> {
            store.insert(c);
            outbox.record("ContractRequested", subjects(c), Map.of("offerDigest", o.digest(), "purpose", c.purpose()));
            sameTransaction.accept(c);
        });
        return c;
    }

    /** Revocation asked for by the consumer's zone on behalf of its (qualified) organisation. */
    public ContractState revokeForRemoteConsumer(String id, String qualifiedOrg) {
        ContractStore.Row row = load(id).orElseThrow(() -> ApiException.notFound("contract"));
        if (!RemoteParties.isRemote(qualifiedOrg) || !qualifiedOrg.equals(row.contract().consumerOrg())) {
            throw ApiException.notFound("contract");
        }
        return act(row, ContractAction.REVOKE, Actor.CONSUMER).contract().state();
    }

    /** The stored contract with its signed agreement, for the consumer's zone (null fields until agreed). */
    public record RemoteView(Contract contract, String agreementJson, String providerKey, String providerSig,
                             String consumerKey, String consumerSig) {}

    public Optional<RemoteView> remoteView(String id) {
        return load(id).map(r -> r.agreement() == null
                ? new RemoteView(r.contract(), null, null, null, null, null)
                : new RemoteView(r.contract(), r.agreement().agreementJson(), r.agreement().providerKey(),
                        r.agreement().providerSig(), r.agreement().consumerKey(), r.agreement().consumerSig()));
    }

    ContractStore.Row accept(Caller caller, String id) {
        ContractStore.Row row = party(caller, id, Actor.PROVIDER);
        Contract c = row.contract();
        ContractState next = refuseIfErr(ContractStateMachine.transition(c.state(), ContractAction.ACCEPT, Actor.PROVIDER));
        StoredOffer o = offers.find(c.offerId()).orElseThrow(() -> new IllegalStateException("contract without offer"));
        Instant now = now();
        if (!now.isBefore(o.offer().validUntil())) {
            throw ApiException.unprocessable("OFFER_EXPIRED", "the offer's validity has ended; the request can only be rejected");
        }
        byte[] canonical = Digests.canonical(AgreementDocument.build(c, o.offer(), o.digest(), now));
        ContractStore.Signed signed;
        if (RemoteParties.isRemote(c.consumerOrg())) {
            // The consumer belongs to a peer zone: its half is signed there, with the key that zone holds for it.
            RemoteParties parties = remote.getIfAvailable();
            if (parties == null) throw ApiException.conflict("CROSS_ZONE_UNAVAILABLE", "cross-zone contracts are not enabled on this zone");
            signed = signer.sign(canonical, c.providerOrg(), parties.countersign(c, canonical));
        } else {
            signed = signer.sign(canonical, c.providerOrg(), c.consumerOrg());
        }
        String agreementDigest = signer.digest(signed.agreementJson());
        tx.executeWithoutResult(s -> {
            if (!store.agree(c.id(), signed, now)) throw concurrentChange();
            Contract agreed = c.withState(next);
            ContractBudgets.open(budgets, agreed, o.offer());
            metering.recordAgreementFee(agreed, o.offer(), now);
            outbox.record("ContractAgreed", subjects(c), Map.of("agreementDigest", agreementDigest, "offerDigest", o.digest()));
        });
        notifyRemote(c);
        return store.find(id).orElseThrow();
    }

    ContractStore.Row reject(Caller caller, String id) {
        return act(party(caller, id, Actor.PROVIDER), ContractAction.REJECT, Actor.PROVIDER);
    }

    ContractStore.Row revoke(Caller caller, String id) {
        ContractStore.Row row = visible(caller, id);
        Actor actor = actorOf(caller, row.contract());
        if (actor == null) throw ApiException.notFound("contract");
        return act(row, ContractAction.REVOKE, actor);
    }

    private ContractStore.Row act(ContractStore.Row row, ContractAction action, Actor actor) {
        Contract c = row.contract();
        ContractState next = refuseIfErr(ContractStateMachine.transition(c.state(), action, actor));
        transition(c, next, Map.of());
        notifyRemote(c);
        return store.find(c.id()).orElseThrow();
    }

    /** A cross-zone contract changed (committed): let the consumer's zone record it now. */
    private void notifyRemote(Contract c) {
        if (!RemoteParties.isRemote(c.consumerOrg())) return;
        RemoteParties parties = remote.getIfAvailable();
        if (parties != null) parties.changed(c);
    }

    private void transition(Contract c, ContractState next, Map<String, Object> attributes) {
        tx.executeWithoutResult(s -> {
            if (!store.transition(c.id(), c.state(), next, now())) throw concurrentChange();
            outbox.record(EVENTS.get(next), subjects(c), attributes);
        });
    }

    /** The contract if the caller may see it (parties, auditors, zone admins); everyone else gets 404. */
    ContractStore.Row visible(Caller caller, String id) {
        ContractStore.Row row = load(id).orElseThrow(() -> ApiException.notFound("contract"));
        Contract c = row.contract();
        boolean oversight = caller.has("auditor") || caller.has("zone-admin");
        if (!oversight && actorOf(caller, c) == null) throw ApiException.notFound("contract");
        return row;
    }

    private ContractStore.Row party(Caller caller, String id, Actor required) {
        ContractStore.Row row = visible(caller, id);
        if (actorOf(caller, row.contract()) != required) throw ApiException.notFound("contract");
        return row;
    }

    /** PROVIDER or CONSUMER when the caller's org is that party and holds the matching role, else null. */
    private static Actor actorOf(Caller caller, Contract c) {
        if (caller.has("provider") && caller.org().equals(c.providerOrg())) return Actor.PROVIDER;
        if (caller.has("consumer") && caller.org().equals(c.consumerOrg())) return Actor.CONSUMER;
        return null;
    }

    List<ContractStore.Row> list(Caller caller, ContractState state, int offset, int limit) {
        expireDue();
        return store.list(visibility(caller), state, offset, limit);
    }

    long count(Caller caller, ContractState state) {
        return store.count(visibility(caller), state);
    }

    private static ContractStore.Visibility visibility(Caller caller) {
        boolean all = caller.has("auditor") || caller.has("zone-admin");
        return new ContractStore.Visibility(caller.has("consumer") ? caller.org() : null,
                caller.has("provider") ? caller.org() : null, all);
    }

    AgreementSigner.Verification verify(ContractStore.Row row) {
        return signer.verify(row.contract(), row.agreement());
    }

    String keyId(String base64Key) {
        return signer.keyId(base64Key);
    }

    String digest(String agreementJson) {
        return signer.digest(agreementJson);
    }

    // ---- for the job service ----

    /** Contract and offer for deciding a job; empty if unknown. Expiry is applied first. */
    public Optional<ContractTerms> terms(String contractId) {
        return load(contractId).map(r -> new ContractTerms(r.contract(),
                offers.find(r.contract().offerId()).orElseThrow(() -> new IllegalStateException("contract without offer")),
                r.jobsUsed()));
    }

    /**
     * Call after a job's quota reservation was committed (inside or outside the job's transaction): syncs
     * jobs_used from the contract-jobs budget and moves AGREED → EXHAUSTED once the quota is fully spent.
     * Returns whether this call exhausted the contract.
     */
    public boolean exhaustIfQuotaUsedUp(String contractId) {
        Boolean exhausted = tx.execute(s -> {
            Optional<ContractStore.Row> row = store.find(contractId);
            if (row.isEmpty()) return false;
            Contract c = row.get().contract();
            BudgetBalance jobs = budgets.balance(ContractBudgets.jobKey(c));
            store.setJobsUsed(contractId, jobs.committed());
            if (c.state() != ContractState.AGREED || jobs.total() == 0 || jobs.committed() < jobs.total()) return false;
            if (!store.transition(c.id(), ContractState.AGREED, ContractState.EXHAUSTED, now())) return false;
            outbox.record("ContractExhausted", subjects(c), Map.of("jobsUsed", jobs.committed()));
            return true;
        });
        return Boolean.TRUE.equals(exhausted);
    }

    /** Expires every AGREED contract whose validity has ended; returns how many this call expired. */
    public int expireDue() {
        int n = 0;
        for (String id : store.agreedEndedBy(now(), 500)) {
            if (expire(id)) n++;
        }
        return n;
    }

    private Optional<ContractStore.Row> load(String id) {
        Optional<ContractStore.Row> row = store.find(id);
        if (row.isPresent() && row.get().contract().state() == ContractState.AGREED
                && !now().isBefore(row.get().contract().validUntil())) {
            expire(id);
            row = store.find(id);
        }
        return row;
    }

    /** AGREED → EXPIRED if still due; a concurrent expiry (sweep vs. read) records its event only once. */
    private boolean expire(String id) {
        Boolean done = tx.execute(s -> {
            Optional<ContractStore.Row> row = store.find(id);
            if (row.isEmpty()) return false;
            Contract c = row.get().contract();
            if (c.state() != ContractState.AGREED || now().isBefore(c.validUntil())) return false;
            ContractState next = ContractStateMachine.transition(c.state(), ContractAction.EXPIRE, Actor.SYSTEM).value();
            if (!store.transition(id, c.state(), next, now())) return false;
            outbox.record(EVENTS.get(next), subjects(c), Map.of("validUntil", c.validUntil().toString()));
            return true;
        });
        return Boolean.TRUE.equals(done);
    }

    private static final Map<ContractState, String> EVENTS = Map.of(
            ContractState.REQUESTED, "ContractRequested", ContractState.AGREED, "ContractAgreed",
            ContractState.REJECTED, "ContractRejected", ContractState.REVOKED, "ContractRevoked",
            ContractState.EXPIRED, "ContractExpired", ContractState.EXHAUSTED, "ContractExhausted");

    private static Map<String, String> subjects(Contract c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("contract", c.id());
        m.put("offer", c.offerId());
        m.put("providerOrg", c.providerOrg());
        m.put("consumerOrg", c.consumerOrg());
        return m;
    }

    private static <T> T refuseIfErr(Result<T> r) {
        if (r.isOk()) return r.value();
        String code = r.violations().get(0).code();
        HttpStatus status = code.equals("CONTRACT_ACTOR_NOT_ALLOWED") ? HttpStatus.FORBIDDEN : HttpStatus.CONFLICT;
        throw new ApiException(status, code, r.violations().get(0).message());
    }

    private static ApiException concurrentChange() {
        return ApiException.conflict("CONTRACT_ILLEGAL_TRANSITION", "the contract changed concurrently; reload it");
    }

    /** Millisecond precision: the instants are signed as text and must read back from the database unchanged. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
