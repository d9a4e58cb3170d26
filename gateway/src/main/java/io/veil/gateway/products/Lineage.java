package io.veil.gateway.products;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.crypto.CanonicalJson;
import io.veil.crypto.Hex;
import io.veil.crypto.Suite;

import java.util.List;

/**
 * Where a data product comes from: the derived dataset (id, version, content digest, rows), the zone
 * and organisation that published it, the job whose released output it is (query and result
 * digests), the job's contracts, every source dataset version the job read, and the distinct-entity
 * threshold the job's output was enforced with. Ids, digests and numbers only — never a cell value.
 * Its digest (the zone suite's hash of the RFC 8785 canonical JSON) is what both ledgers record.
 */
record Lineage(String productId, int datasetVersion, String contentDigest, long rowCount,
               String originZone, String originTier, String ownerOrg,
               String jobId, String queryDigest, String resultDigest, List<String> contractIds,
               List<Source> sourceDatasets, int minEntities, String rowKeyColumn, String publishedAt) {

    record Source(String datasetId, int version, String digest) {
        /** The ledger form, as JobAnalysed's inputVersionDigests: {@code id:version:digest}. */
        String ref() {
            return datasetId + ":" + version + ":" + digest;
        }
    }

    static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

    String json() {
        try {
            return STRICT.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    JsonNode tree() {
        return STRICT.valueToTree(this);
    }

    String digest(Suite suite) {
        return Hex.encode(suite.hash(CanonicalJson.canonicalize(json())));
    }

    List<String> sourceRefs() {
        return sourceDatasets.stream().map(Source::ref).toList();
    }

    static Lineage parse(String json) {
        try {
            return STRICT.readValue(json, Lineage.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt stored lineage");
        }
    }
}
