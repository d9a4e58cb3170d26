package io.veil.gateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.crypto.CanonicalJson;
import io.veil.crypto.Commitments;
import io.veil.crypto.Suite;

/** What a consumer does with a released result view: rebuild the committed bytes and open the commitment (ADR 0021). */
public final class Opened {
    private Opened() {}

    /** RFC 8785 JSON of {columns, rows, types} from a result view — the bytes a result commitment covers. */
    public static byte[] resultBytes(JsonNode view) {
        ObjectNode t = ApiClient.JSON.createObjectNode();
        t.set("columns", view.get("columns"));
        t.set("types", view.get("types"));
        t.set("rows", view.get("rows"));
        return CanonicalJson.canonicalize(t.toString());
    }

    /** Whether the view's result opens its own commitment with its own opening key (an INTL zone). */
    public static boolean resultOpens(JsonNode view) {
        return Commitments.verify(Suite.INTL, view.path("resultOpeningKey").asText(), resultBytes(view),
                view.path("resultCommitment").asText());
    }
}
