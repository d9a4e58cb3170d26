package io.veil.gateway.products;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.config.VeilProperties;
import io.veil.gateway.federation.CatalogEntry;
import io.veil.gateway.federation.CatalogValidation;
import io.veil.gateway.federation.RemoteCatalogStore;
import io.veil.gateway.federation.TrustedZone;
import io.veil.gateway.ledger.LedgerOutbox;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The tier-2 side of a data product: a tier-1 peer pushes its catalog entry and lineage; this zone
 * checks both (authenticated is not the same as well-formed), recomputes the lineage digest with
 * the peer's suite, and in one transaction lists the product, stores the entry in its copy of the
 * peer's catalog and records DataProductListed on its own ledger. Idempotent: the same product with
 * the same lineage digest is acknowledged again without a second event; a different lineage for a
 * known product id is refused.
 */
@Component
class ProductListings {
    private static final ObjectMapper PEER_JSON = new ObjectMapper().findAndRegisterModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Pattern ID = Pattern.compile("[a-f0-9-]{36}");
    private static final Pattern DIGEST = Pattern.compile("[a-f0-9]{64}");
    private static final Pattern ORG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Set<String> FIELDS = Set.of("lineage", "lineageDigest", "entry");
    private final DataProductStore store;
    private final RemoteCatalogStore catalog;
    private final LedgerOutbox outbox;
    private final TransactionTemplate tx;
    private final VeilProperties veil;

    ProductListings(DataProductStore store, RemoteCatalogStore catalog, LedgerOutbox outbox, TransactionTemplate tx, VeilProperties veil) {
        this.store = store;
        this.catalog = catalog;
        this.outbox = outbox;
        this.tx = tx;
        this.veil = veil;
    }

    Map<String, Object> accept(TrustedZone peer, byte[] body) {
        if (!"SOCIAL".equals(veil.zone().tier())) {
            throw ApiException.forbidden("ZONE_NOT_TIER_2", "data products are listed in the social-data zone (tier 2)");
        }
        if (!"PUBLIC".equals(peer.tier())) {
            throw ApiException.forbidden("PRODUCT_ORIGIN_NOT_TIER_1", "only a tier-1 (public-data) zone publishes data products");
        }
        JsonNode n;
        try {
            n = body == null || body.length == 0 ? null : PEER_JSON.readTree(body);
        } catch (java.io.IOException e) {
            n = null;
        }
        if (n == null || !n.isObject()) throw ApiException.badRequest("MALFORMED_JSON", "body must be one JSON object");
        for (var it = n.fieldNames(); it.hasNext(); ) {
            if (!FIELDS.contains(it.next())) throw invalid("unknown field");
        }
        Lineage l;
        CatalogEntry entry;
        try {
            l = Lineage.STRICT.treeToValue(n.path("lineage"), Lineage.class);
            entry = CatalogValidation.check(PEER_JSON.treeToValue(n.path("entry"), CatalogEntry.class), peer);
        } catch (CatalogValidation.Invalid e) {
            throw invalid(e.getMessage());
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw invalid("lineage or entry is not of the documented shape");
        }
        if (l == null || entry == null) throw invalid("lineage and entry are required");
        check(l, entry, peer);
        String digest = l.digest(peer.suite());
        if (!digest.equals(n.path("lineageDigest").asText())) throw invalid("lineageDigest does not match the lineage");
        boolean listedNow = Boolean.TRUE.equals(tx.execute(st -> {
            var known = store.received(peer.zoneId(), l.productId());
            if (known.isPresent()) {
                if (!known.get().lineageDigest().equals(digest)) {
                    throw ApiException.conflict("PRODUCT_CONFLICT", "this product is already listed with a different lineage");
                }
                return false;
            }
            Instant now = Instant.now();
            store.insertReceived(new DataProductStore.Received(peer.zoneId(), l.productId(), peer.tier(), l.ownerOrg(), entry.name(),
                    entry.description(), l, digest, Instant.parse(l.publishedAt()), now));
            catalog.upsert(peer.zoneId(), peer.tier(), entry, now);
            Map<String, String> subjects = new LinkedHashMap<>();
            subjects.put("product", l.productId());
            subjects.put("dataset", l.productId());
            subjects.put("zone", peer.zoneId());
            subjects.put("job", l.jobId());
            outbox.record("DataProductListed", subjects, DataProductService.lineageAttributes(l, digest));
            return true;
        }));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("productId", l.productId());
        out.put("listed", true);
        out.put("alreadyListed", !listedNow);
        out.put("lineageDigest", digest);
        return out;
    }

    /** The lineage must describe the entry it came with, and belong to the peer that sent it. */
    private static void check(Lineage l, CatalogEntry e, TrustedZone peer) {
        require(l.productId() != null && l.productId().equals(e.id()), "productId (must be the entry's id)");
        require(peer.zoneId().equals(l.originZone()) && peer.tier().equals(l.originTier()), "originZone/originTier");
        require(l.ownerOrg() != null && ORG.matcher(l.ownerOrg()).matches() && l.ownerOrg().equals(e.ownerOrg()), "ownerOrg");
        require(l.datasetVersion() >= 1 && l.datasetVersion() <= e.currentVersion() && l.rowCount() >= 1, "datasetVersion/rowCount");
        require(l.contentCommitment() != null && l.contentCommitment().equals(e.contentCommitment()), "contentCommitment (must be the entry's)");
        require(l.jobId() != null && ID.matcher(l.jobId()).matches(), "jobId");
        require(hex(l.queryCommitment()) && hex(l.resultCommitment()), "queryCommitment/resultCommitment");
        require(l.contractIds() != null && !l.contractIds().isEmpty() && l.contractIds().size() <= 4
                && l.contractIds().stream().allMatch(c -> c != null && ID.matcher(c).matches()), "contractIds");
        require(l.sourceDatasets() != null && !l.sourceDatasets().isEmpty() && l.sourceDatasets().size() <= 64
                && l.sourceDatasets().stream().allMatch(s -> s != null && s.datasetId() != null && ID.matcher(s.datasetId()).matches()
                && s.version() >= 1 && hex(s.contentCommitment())), "sourceDatasets");
        require(l.minEntities() >= 0, "minEntities");
        require(DataProductService.ROW_KEY.equals(l.rowKeyColumn()) && "ENTITY_ID".equals(e.columnRoles().get(l.rowKeyColumn())),
                "rowKeyColumn (must be the entry's ENTITY_ID column)");
        try {
            Instant.parse(l.publishedAt());
        } catch (DateTimeParseException | NullPointerException ex) {
            require(false, "publishedAt");
        }
    }

    private static boolean hex(String s) {
        return s != null && DIGEST.matcher(s).matches();
    }

    private static void require(boolean ok, String field) {
        if (!ok) throw invalid("invalid field: " + field);
    }

    private static ApiException invalid(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, "PRODUCT_LISTING_INVALID", detail);
    }
}
