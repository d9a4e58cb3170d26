package io.veil.gateway.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.crypto.SigningKey;
import io.veil.crypto.VerifyingKey;
import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.offers.Digests;
import io.veil.policy.Contract;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.springframework.stereotype.Component;

/**
 * Signs agreements with both organisations' keys (held by the zone for its member organisations) and
 * re-verifies them. Verification trusts nothing stored next to the signature: the stored public key must
 * be the organisation's key as the zone knows it, and the signed document must name this contract and
 * these parties — otherwise a validly signed agreement of another contract could be copied into the row.
 */
@Component
class AgreementSigner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private final ZoneKeyStore keys;
    private final org.springframework.beans.factory.ObjectProvider<RemoteParties> remote;

    AgreementSigner(ZoneKeyStore keys, org.springframework.beans.factory.ObjectProvider<RemoteParties> remote) {
        this.keys = keys;
        this.remote = remote;
    }

    /** One party's signature as checked: {@code valid} only if the key is the org's and the signature verifies. */
    record SignatureCheck(String org, String keyId, boolean signatureValid, boolean keyIsOrgKey) {
        boolean valid() {
            return signatureValid && keyIsOrgKey;
        }
    }

    record Verification(boolean valid, String agreementDigest, boolean documentMatchesContract,
                        SignatureCheck provider, SignatureCheck consumer) {}

    ContractStore.Signed sign(byte[] canonical, String providerOrg, String consumerOrg) {
        SigningKey p = keys.orgSigningKey(providerOrg);
        SigningKey c = keys.orgSigningKey(consumerOrg);
        return new ContractStore.Signed(new String(canonical, StandardCharsets.UTF_8),
                B64.encodeToString(p.verifyingKey().encoded()), B64.encodeToString(p.sign(canonical)),
                B64.encodeToString(c.verifyingKey().encoded()), B64.encodeToString(c.sign(canonical)));
    }

    /** Provider signature made here; the consumer's came from its own zone (cross-zone contract). */
    ContractStore.Signed sign(byte[] canonical, String providerOrg, RemoteParties.Countersignature consumer) {
        SigningKey p = keys.orgSigningKey(providerOrg);
        return new ContractStore.Signed(new String(canonical, StandardCharsets.UTF_8),
                B64.encodeToString(p.verifyingKey().encoded()), B64.encodeToString(p.sign(canonical)),
                consumer.publicKey(), consumer.signature());
    }

    String digest(String agreementJson) {
        return Digests.hex(keys.suite(), agreementJson.getBytes(StandardCharsets.UTF_8));
    }

    /** Key id of a stored key, or null if it no longer decodes (tampered row). */
    String keyId(String base64Key) {
        VerifyingKey k = decode(base64Key);
        return k == null ? null : k.keyId();
    }

    Verification verify(Contract c, ContractStore.Signed s) {
        byte[] bytes = s.agreementJson().getBytes(StandardCharsets.UTF_8);
        SignatureCheck p = check(bytes, c.providerOrg(), s.providerKey(), s.providerSig());
        SignatureCheck q = RemoteParties.isRemote(c.consumerOrg())
                ? checkRemote(bytes, c, s.consumerKey(), s.consumerSig())
                : check(bytes, c.consumerOrg(), s.consumerKey(), s.consumerSig());
        boolean matches = namesContract(s.agreementJson(), c);
        return new Verification(p.valid() && q.valid() && matches, digest(s.agreementJson()), matches, p, q);
    }

    private SignatureCheck check(byte[] message, String org, String base64Key, String base64Sig) {
        VerifyingKey stored = decode(base64Key);
        if (stored == null) return new SignatureCheck(org, null, false, false);
        boolean sigOk;
        try {
            sigOk = stored.verify(message, Base64.getDecoder().decode(base64Sig));
        } catch (RuntimeException e) {
            sigOk = false;
        }
        boolean orgKey = Arrays.equals(stored.encoded(), keys.orgSigningKey(org).verifyingKey().encoded());
        return new SignatureCheck(org, stored.keyId(), sigOk, orgKey);
    }

    /** A peer-zone consumer's key is the one its zone registered for it with the request, not a key held here. */
    private SignatureCheck checkRemote(byte[] message, Contract c, String base64Key, String base64Sig) {
        VerifyingKey stored = decode(base64Key);
        if (stored == null) return new SignatureCheck(c.consumerOrg(), null, false, false);
        boolean sigOk;
        try {
            sigOk = stored.verify(message, Base64.getDecoder().decode(base64Sig));
        } catch (RuntimeException e) {
            sigOk = false;
        }
        RemoteParties parties = remote.getIfAvailable();
        boolean registered = parties != null && parties.registeredKey(c.id()).map(base64Key::equals).orElse(false);
        return new SignatureCheck(c.consumerOrg(), stored.keyId(), sigOk, registered);
    }

    private VerifyingKey decode(String base64Key) {
        try {
            return VerifyingKey.decode(keys.suite(), Base64.getDecoder().decode(base64Key));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean namesContract(String agreementJson, Contract c) {
        try {
            JsonNode d = JSON.readTree(agreementJson);
            return c.id().equals(d.path("contractId").asText(null)) && c.offerId().equals(d.path("offerId").asText(null))
                    && c.providerOrg().equals(d.path("providerOrg").asText(null))
                    && c.consumerOrg().equals(d.path("consumerOrg").asText(null))
                    && c.purpose().equals(d.path("purpose").asText(null));
        } catch (Exception e) {
            return false;
        }
    }
}
