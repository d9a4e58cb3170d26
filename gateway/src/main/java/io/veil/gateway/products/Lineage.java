package io.veil.gateway.products;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.crypto.CanonicalJson;
import io.veil.crypto.Hex;
import io.veil.crypto.Suite;

import java.util.List;

/**
 * Where a data product comes from: the derived dataset (id, version, content commitment, rows), the
 * zone and organisation that published it, the job whose released output it is (query and result
 * commitments), the job's contracts, every source dataset version the job read, and the
 * distinct-entity threshold the job's output was enforced with. Ids, keyed commitments (ADR 0021)
 * and numbers only — never a cell value, never a plain hash of data. Its digest (the zone suite's
 * hash of the RFC 8785 canonical JSON) is what both ledgers record: a plain hash is right there,
 * because the lineage document itself is shown and delivered, and it only holds public metadata and
 * commitments. Lineages recorded before V9 name their plain digests {@code contentDigest},
 * {@code queryDigest}, {@code resultDigest}, {@code digest}; they are read under the new names.
 */
record Lineage(String productId, int datasetVersion, @JsonAlias("contentDigest") String contentCommitment, long rowCount,
               String originZone, String originTier, String ownerOrg,
               String jobId, @JsonAlias("queryDigest") String queryCommitment, @JsonAlias("resultDigest") String resultCommitment,
               List<String> contractIds, List<Source> sourceDatasets, int minEntities, String rowKeyColumn, String publishedAt) {

    record Source(String datasetId, int version, @JsonAlias("digest") String contentCommitment) {
        /** The ledger form, as JobAnalysed's inputVersionCommitments: {@code id:version:contentCommitment}. */
        String ref() {
            return datasetId + ":" + version + ":" + contentCommitment;
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
