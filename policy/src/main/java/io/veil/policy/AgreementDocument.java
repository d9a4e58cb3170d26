package io.veil.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Builds the agreement both organisations sign. The gateway canonicalises it (RFC 8785) and signs; this
 * class only guarantees the same inputs give the same document. The contract state is deliberately not
 * part of it: the signed text must stay valid while the state moves on (revoked, expired, exhausted).
 */
public final class AgreementDocument {
    public static final String TYPE = "veil.contract.agreement";
    public static final int VERSION = 1;
    private static final Pattern HEX = Pattern.compile("([0-9a-f]{2})+");

    private AgreementDocument() {
    }

    /**
     * @param offerDigestHex lower-case hex digest of the offer's canonical {@link Offer#toJson()}
     * @param agreedAt       when the provider accepted; recorded, not compared, so it must be passed in
     */
    public static ObjectNode build(Contract contract, Offer offer, String offerDigestHex, Instant agreedAt) {
        if (offerDigestHex == null || !HEX.matcher(offerDigestHex).matches()) {
            throw new IllegalArgumentException("offer digest must be lower-case hex");
        }
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("type", TYPE);
        d.put("version", VERSION);
        d.put("contractId", contract.id());
        d.put("offerId", contract.offerId());
        d.put("offerDigest", offerDigestHex);
        d.put("providerOrg", contract.providerOrg());
        d.put("consumerOrg", contract.consumerOrg());
        d.put("purpose", contract.purpose());
        d.put("validFrom", contract.validFrom().toString());
        d.put("validUntil", contract.validUntil().toString());
        d.set("terms", offer.toJson());
        d.put("requestedAt", contract.createdAt().toString());
        d.put("agreedAt", agreedAt.toString());
        return d;
    }
}
