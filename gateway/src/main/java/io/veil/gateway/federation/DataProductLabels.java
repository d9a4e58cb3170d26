package io.veil.gateway.federation;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Tells the federated catalog which entries are data products (implemented by the products
 * package), so a listing can label them with their origin tier and lineage.
 */
public interface DataProductLabels {

    /** {@code kind} is always DATA_PRODUCT; the lineage as recorded on the ledgers (ids and digests). */
    record Label(String kind, String originZone, String originTier, String lineageDigest, JsonNode lineage) {}

    /** The label of dataset {@code datasetId} held by {@code zone}, or null if it is not a data product. */
    Label label(String zone, String datasetId);
}
