package io.veil.gateway.offers;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.crypto.CanonicalJson;
import io.veil.crypto.Suite;

import java.util.HexFormat;

/** RFC 8785 canonical bytes and the zone suite's digest of them, as signed and recorded on the ledger. */
public final class Digests {
    private Digests() {}

    public static byte[] canonical(JsonNode json) {
        return CanonicalJson.canonicalize(json.toString());
    }

    /** Lower-case hex of the suite hash (SHA-256 or SM3), the form AgreementDocument and the ledger expect. */
    public static String hex(Suite suite, byte[] bytes) {
        return HexFormat.of().formatHex(suite.hash(bytes));
    }
}
