package io.veil.gateway.crosszone;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.crypto.VerifyingKey;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.contracts.ContractService;
import io.veil.gateway.contracts.RemoteParties;
import io.veil.gateway.federation.TrustedZone;
import io.veil.gateway.federation.ZoneDirectory;
import io.veil.gateway.offers.OfferService;
import io.veil.policy.Contract;
import io.veil.policy.ZoneTier;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The provider zone's side of cross-zone contracts: takes a contract request a peer zone makes for one
 * of its organisations (the org is asserted by that authenticated zone and recorded as {@code org@zone}),
 * answers the peer's status queries and revocations, and gets the consumer's countersignature from the
 * peer when the provider accepts ({@link RemoteParties}).
 */
@Component
class ProviderSideContracts implements RemoteParties {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ProviderSideContracts.class);
    static final Pattern ORG = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private final ContractService contracts;
    private final OfferService offers;
    private final RemoteContractStore store;
    private final ZoneDirectory directory;
    private final PeerCalls calls;

    ProviderSideContracts(ContractService contracts, OfferService offers, RemoteContractStore store, ZoneDirectory directory,
                          PeerCalls calls) {
        this.contracts = contracts;
        this.offers = offers;
        this.store = store;
        this.directory = directory;
        this.calls = calls;
    }

    static String qualified(String org, String zone) {
        return org + "@" + zone;
    }

    /** {@code POST /federation/v1/contracts}: {offerId, purpose, consumerOrg, consumerKey}. */
    Map<String, Object> request(TrustedZone peer, JsonNode body) {
        String org = text(body, "consumerOrg");
        String offerId = text(body, "offerId");
        String purpose = text(body, "purpose");
        String key = text(body, "consumerKey");
        if (!ORG.matcher(org).matches()) throw ApiException.badRequest("INVALID_REQUEST", "consumerOrg is not an organisation id");
        try {
            VerifyingKey.decode(peer.suite(), Base64.getDecoder().decode(key));
        } catch (RuntimeException e) {
            throw ApiException.badRequest("INVALID_REQUEST", "consumerKey is not a base64 " + peer.suite() + " public key");
        }
        String q = qualified(org, peer.zoneId());
        if (q.length() > 64) throw ApiException.unprocessable("REMOTE_ORG_TOO_LONG", "org@zone must be at most 64 characters");
        ZoneTier tier = ZoneTier.parse(peer.tier()).orElseThrow();
        Contract c = contracts.requestForRemoteConsumer(q, tier, offerId, purpose,
                created -> store.insertRemoteConsumer(new RemoteContractStore.RemoteConsumer(created.id(), peer.zoneId(), org, key)));
        OfferService.StoredOffer o = offers.find(c.offerId()).orElseThrow();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("contractId", c.id());
        out.put("offerId", c.offerId());
        out.put("offerDigest", o.digest());
        out.put("providerOrg", c.providerOrg());
        out.put("consumerOrg", c.consumerOrg());
        out.put("purpose", c.purpose());
        out.put("state", c.state().name());
        out.put("datasetIds", o.offer().datasetIds());
        out.put("validFrom", c.validFrom().toString());
        out.put("validUntil", c.validUntil().toString());
        return out;
    }

    /** {@code POST /federation/v1/offers}: this zone's offers (usage terms — metadata, never data), optionally for one dataset. */
    Map<String, Object> offers(JsonNode body) {
        String datasetId = body.hasNonNull("datasetId") ? text(body, "datasetId") : null;
        int offset = body.path("offset").asInt(0);
        int limit = body.path("limit").asInt(20);
        if (offset < 0 || limit < 1 || limit > 100) throw ApiException.badRequest("INVALID_PAGE", "offset >= 0 and 1 <= limit <= 100");
        List<Map<String, Object>> items = new java.util.ArrayList<>();
        for (OfferService.StoredOffer o : offers.list(datasetId, offset, limit)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", o.id());
            m.put("providerOrg", o.providerOrg());
            m.put("digest", o.digest());
            m.put("createdAt", o.createdAt().toString());
            m.put("offer", o.offer().toJson());
            items.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        out.put("total", offers.count(datasetId));
        out.put("offset", offset);
        out.put("limit", limit);
        return out;
    }

    /** {@code POST /federation/v1/contracts/{id}/status}: state and, once agreed, the signed agreement. */
    Map<String, Object> status(TrustedZone peer, String id) {
        ownedBy(peer, id);
        ContractService.RemoteView v = contracts.remoteView(id).orElseThrow(() -> ApiException.notFound("contract"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("contractId", id);
        out.put("state", v.contract().state().name());
        if (v.agreementJson() != null) {
            out.put("agreement", v.agreementJson());
            out.put("providerKey", v.providerKey());
            out.put("providerSignature", v.providerSig());
            out.put("consumerKey", v.consumerKey());
            out.put("consumerSignature", v.consumerSig());
        }
        return out;
    }

    /** {@code POST /federation/v1/contracts/{id}/revoke}: the consumer's zone revokes for its organisation. */
    Map<String, Object> revoke(TrustedZone peer, String id) {
        RemoteContractStore.RemoteConsumer rc = ownedBy(peer, id);
        contracts.revokeForRemoteConsumer(id, qualified(rc.org(), rc.zone()));
        return status(peer, id);
    }

    private RemoteContractStore.RemoteConsumer ownedBy(TrustedZone peer, String id) {
        // A contract of another zone's consumer is indistinguishable from a missing one.
        return store.remoteConsumer(id).filter(r -> r.zone().equals(peer.zoneId()))
                .orElseThrow(() -> ApiException.notFound("contract"));
    }

    @Override
    public Countersignature countersign(Contract contract, byte[] canonicalAgreement) {
        RemoteContractStore.RemoteConsumer rc = store.remoteConsumer(contract.id())
                .orElseThrow(() -> new IllegalStateException("cross-zone contract without its consumer zone"));
        TrustedZone peer = directory.trusted(rc.zone()).orElseThrow(() ->
                ApiException.conflict("CONSUMER_ZONE_UNTRUSTED", "the consumer's zone is no longer a trusted peer"));
        JsonNode r = calls.postJson(peer, "/federation/v1/contracts/" + contract.id() + "/countersign",
                Map.of("agreement", new String(canonicalAgreement, StandardCharsets.UTF_8)));
        String key = r.path("publicKey").asText("");
        String sig = r.path("signature").asText("");
        boolean valid;
        try {
            valid = key.equals(rc.key()) && VerifyingKey.decode(peer.suite(), Base64.getDecoder().decode(key))
                    .verify(canonicalAgreement, Base64.getDecoder().decode(sig));
        } catch (RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            throw new ApiException(HttpStatus.BAD_GATEWAY, "COUNTERSIGNATURE_INVALID",
                    "the consumer zone's signature does not verify under the key it registered for the organisation");
        }
        return new Countersignature(key, sig);
    }

    @Override
    public void changed(Contract contract) {
        try {
            store.remoteConsumer(contract.id()).flatMap(rc -> directory.trusted(rc.zone())).ifPresent(peer ->
                    calls.post(peer, "/federation/v1/contracts/" + contract.id() + "/changed", new byte[0]));
        } catch (RuntimeException e) {
            // Best effort: the consumer zone also re-reads the state on every read and before every job.
            log.info("consumer zone not told of a contract change: {}", e instanceof ApiException a ? a.code() : e.getClass().getName());
        }
    }

    @Override
    public Optional<String> registeredKey(String contractId) {
        return store.remoteConsumer(contractId).map(RemoteContractStore.RemoteConsumer::key);
    }

    static String text(JsonNode body, String field) {
        JsonNode n = body == null ? null : body.get(field);
        if (n == null || !n.isTextual() || n.asText().isEmpty() || n.asText().length() > 4096) {
            throw ApiException.badRequest("INVALID_REQUEST", field + " is required and must be a string");
        }
        return n.asText();
    }
}
