package io.veil.gateway.crosszone;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.crypto.SigningKey;
import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.federation.TrustedZone;
import io.veil.gateway.ledger.LedgerOutbox;
import io.veil.gateway.offers.Digests;
import io.veil.gateway.security.Caller;
import io.veil.policy.ContractState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The consumer zone's side of cross-zone contracts. A consumer asks for a contract on a peer zone's
 * offer; this zone asserts the organisation, registers the org's signing key with the request and
 * records its own ContractRequested (subject {@code zone} = the provider zone). When the provider
 * accepts, the provider zone asks this zone to countersign the canonical agreement with the org's key.
 * State changes made in the provider zone are observed by a signed status query (on every read and
 * before a job) and recorded here as mirror events in the same transaction as the stored state.
 */
@Service
public class ConsumerSideContracts {
    private static final Logger log = LoggerFactory.getLogger(ConsumerSideContracts.class);
    private static final Map<String, String> EVENTS = Map.of("AGREED", "ContractAgreed", "REJECTED", "ContractRejected",
            "REVOKED", "ContractRevoked", "EXPIRED", "ContractExpired", "EXHAUSTED", "ContractExhausted");
    private final RemoteContractStore store;
    private final PeerCalls calls;
    private final ZoneKeyStore keys;
    private final LedgerOutbox outbox;
    private final TransactionTemplate tx;
    private final String self;

    ConsumerSideContracts(RemoteContractStore store, PeerCalls calls, ZoneKeyStore keys, LedgerOutbox outbox, TransactionTemplate tx) {
        this.store = store;
        this.calls = calls;
        this.keys = keys;
        this.outbox = outbox;
        this.tx = tx;
        this.self = outbox.zone();
    }

    RemoteContractStore.Held request(Caller caller, JsonNode body) {
        String zone = ProviderSideContracts.text(body, "zone");
        String offerId = ProviderSideContracts.text(body, "offerId");
        String purpose = ProviderSideContracts.text(body, "purpose");
        body.fieldNames().forEachRemaining(f -> {
            if (!List.of("zone", "offerId", "purpose").contains(f)) throw ApiException.badRequest("UNKNOWN_FIELD", "allowed: zone, offerId, purpose");
        });
        TrustedZone peer = calls.peer(zone);
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("offerId", offerId);
        req.put("purpose", purpose);
        req.put("consumerOrg", caller.org());
        req.put("consumerKey", Base64.getEncoder().encodeToString(keys.orgSigningKey(caller.org()).verifyingKey().encoded()));
        JsonNode r = calls.postJson(peer, "/federation/v1/contracts", req);
        String expectedOrg = ProviderSideContracts.qualified(caller.org(), self);
        if (!expectedOrg.equals(r.path("consumerOrg").asText()) || !offerId.equals(r.path("offerId").asText())
                || !purpose.equals(r.path("purpose").asText()) || !"REQUESTED".equals(r.path("state").asText())) {
            throw new ApiException(org.springframework.http.HttpStatus.BAD_GATEWAY, "PEER_ANSWER_INVALID",
                    "the provider zone's answer does not match the request");
        }
        List<String> datasets = new ArrayList<>();
        r.path("datasetIds").forEach(d -> datasets.add(d.asText()));
        Instant now = Instant.now();
        RemoteContractStore.Held h = new RemoteContractStore.Held(r.path("contractId").asText(), zone, offerId,
                r.path("offerDigest").asText(), r.path("providerOrg").asText(), caller.org(), purpose, "REQUESTED", datasets,
                Instant.parse(r.path("validFrom").asText()), Instant.parse(r.path("validUntil").asText()), null, now, now);
        tx.executeWithoutResult(s -> {
            store.insertHeld(h);
            outbox.record("ContractRequested", subjects(h), Map.of("offerDigest", h.offerDigest(), "purpose", h.purpose()));
        });
        return h;
    }

    /** A peer zone's offers, as it publishes them to its peers. */
    JsonNode remoteOffers(String zone, String datasetId, int offset, int limit) {
        Map<String, Object> q = new LinkedHashMap<>();
        if (datasetId != null) q.put("datasetId", datasetId);
        q.put("offset", offset);
        q.put("limit", limit);
        return calls.postJson(calls.peer(zone), "/federation/v1/offers", q);
    }

    /** The caller's contracts held in peer zones, each refreshed from its provider zone when still open. */
    List<RemoteContractStore.Held> list(Caller caller, int offset, int limit) {
        return store.heldBy(caller.org(), offset, limit).stream().map(this::refreshQuietly).toList();
    }

    long count(Caller caller) {
        return store.countHeldBy(caller.org());
    }

    RemoteContractStore.Held get(Caller caller, String zone, String id) {
        return refresh(mine(caller, zone, id));
    }

    RemoteContractStore.Held revoke(Caller caller, String zone, String id) {
        RemoteContractStore.Held h = mine(caller, zone, id);
        calls.postJson(calls.peer(zone), "/federation/v1/contracts/" + id + "/revoke", Map.of());
        return refresh(h);
    }

    RemoteContractStore.Held mine(Caller caller, String zone, String id) {
        return store.held(zone, id).filter(h -> h.consumerOrg().equals(caller.org()))
                .orElseThrow(() -> ApiException.notFound("contract"));
    }

    private RemoteContractStore.Held refreshQuietly(RemoteContractStore.Held h) {
        try {
            return refresh(h);
        } catch (ApiException e) {
            log.info("cross-zone contract status from {} unavailable: {}", h.providerZone(), e.code());
            return h;
        }
    }

    /** Asks the provider zone for the current state; a change is stored with its mirror event. */
    RemoteContractStore.Held refresh(RemoteContractStore.Held h) {
        if (!h.state().equals("REQUESTED") && !h.state().equals("AGREED")) return h; // terminal
        JsonNode r = calls.postJson(calls.peer(h.providerZone()), "/federation/v1/contracts/" + h.id() + "/status", Map.of());
        String state = r.path("state").asText();
        if (state.equals(h.state()) || !EVENTS.containsKey(state)) return h;
        boolean agreedMeanwhile = h.state().equals("REQUESTED") && legal("AGREED", state) && r.hasNonNull("agreement");
        if (!legal(h.state(), state) && !agreedMeanwhile) {
            log.warn("provider zone {} reported an impossible contract transition {} -> {}", h.providerZone(), h.state(), state);
            return h;
        }
        String digest = null;
        if (r.hasNonNull("agreement")) {
            String agreement = r.path("agreement").asText();
            if (!ownSignatureValid(h, agreement, r.path("consumerKey").asText(""), r.path("consumerSignature").asText(""))) {
                throw new ApiException(org.springframework.http.HttpStatus.BAD_GATEWAY, "AGREEMENT_INVALID",
                        "the provider zone's agreement is not the one this zone countersigned");
            }
            digest = Digests.hex(keys.suite(), agreement.getBytes(StandardCharsets.UTF_8));
        } else if (state.equals("AGREED")) {
            throw new ApiException(org.springframework.http.HttpStatus.BAD_GATEWAY, "AGREEMENT_INVALID", "agreed without an agreement");
        }
        String agreementDigest = digest;
        // Agreed and then ended between two observations: both steps are recorded, in order.
        List<String> steps = agreedMeanwhile ? List.of("AGREED", state) : List.of(state);
        tx.executeWithoutResult(s -> {
            String from = h.state();
            for (String to : steps) {
                if (!store.moveHeld(h.providerZone(), h.id(), from, to, agreementDigest)) return; // refreshed concurrently
                Map<String, Object> attrs = new LinkedHashMap<>();
                if (agreementDigest != null && to.equals("AGREED")) attrs.put("agreementDigest", agreementDigest);
                attrs.put("offerDigest", h.offerDigest());
                outbox.record(EVENTS.get(to), subjects(h), attrs);
                from = to;
            }
        });
        return store.held(h.providerZone(), h.id()).orElseThrow();
    }

    private static boolean legal(String from, String to) {
        if (from.equals("REQUESTED")) return to.equals("AGREED") || to.equals("REJECTED");
        return from.equals("AGREED") && (to.equals("REVOKED") || to.equals("EXPIRED") || to.equals("EXHAUSTED"));
    }

    /** The agreement must name this contract and carry the org's own signature, made here. */
    private boolean ownSignatureValid(RemoteContractStore.Held h, String agreement, String key, String sig) {
        try {
            JsonNode d = PeerCalls.JSON.readTree(agreement);
            SigningKey own = keys.orgSigningKey(h.consumerOrg());
            return names(d, h) && key.equals(Base64.getEncoder().encodeToString(own.verifyingKey().encoded()))
                    && own.verifyingKey().verify(agreement.getBytes(StandardCharsets.UTF_8), Base64.getDecoder().decode(sig));
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    private boolean names(JsonNode d, RemoteContractStore.Held h) {
        return h.id().equals(d.path("contractId").asText()) && h.offerId().equals(d.path("offerId").asText())
                && h.offerDigest().equals(d.path("offerDigest").asText()) && h.providerOrg().equals(d.path("providerOrg").asText())
                && ProviderSideContracts.qualified(h.consumerOrg(), self).equals(d.path("consumerOrg").asText())
                && h.purpose().equals(d.path("purpose").asText());
    }

    /** {@code POST /federation/v1/contracts/{id}/countersign} from the provider zone, when its provider accepts. */
    Map<String, Object> countersign(TrustedZone peer, String id, JsonNode body) {
        RemoteContractStore.Held h = store.held(peer.zoneId(), id).orElseThrow(() -> ApiException.notFound("contract"));
        if (!h.state().equals("REQUESTED")) {
            throw ApiException.conflict("CONTRACT_ILLEGAL_TRANSITION", "this zone holds the contract as " + h.state());
        }
        String agreement = ProviderSideContracts.text(body, "agreement");
        JsonNode d;
        try {
            d = PeerCalls.JSON.readTree(agreement);
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("AGREEMENT_INVALID", "agreement is not JSON");
        }
        byte[] bytes = agreement.getBytes(StandardCharsets.UTF_8);
        // Sign exactly the canonical form (RFC 8785) and only a document naming what was requested.
        if (!names(d, h) || !java.util.Arrays.equals(bytes, Digests.canonical(d))) {
            throw ApiException.unprocessable("AGREEMENT_MISMATCH", "the agreement does not match the contract this zone requested");
        }
        SigningKey k = keys.orgSigningKey(h.consumerOrg());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("publicKey", Base64.getEncoder().encodeToString(k.verifyingKey().encoded()));
        out.put("signature", Base64.getEncoder().encodeToString(k.sign(bytes)));
        return out;
    }

    /** {@code POST /federation/v1/contracts/{id}/changed}: the provider zone says the contract changed; re-read it. */
    void changed(TrustedZone peer, String id) {
        store.held(peer.zoneId(), id).ifPresent(this::refreshQuietly);
    }

    /** The contract as a PSI job needs it: refreshed, owned by the caller. */
    Optional<RemoteContractStore.Held> forJob(Caller caller, String zone, String id) {
        return store.held(zone, id).filter(h -> h.consumerOrg().equals(caller.org())).map(this::refresh);
    }

    Map<String, String> subjects(RemoteContractStore.Held h) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("contract", h.id());
        m.put("offer", h.offerId());
        m.put("zone", h.providerZone());
        m.put("providerOrg", h.providerOrg());
        m.put("consumerOrg", h.consumerOrg());
        return m;
    }

    static boolean isState(String s) {
        try {
            ContractState.valueOf(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
