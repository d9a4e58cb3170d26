package io.veil.gateway.offers;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.datasets.Dataset;
import io.veil.gateway.datasets.DatasetStore;
import io.veil.gateway.ledger.LedgerOutbox;
import io.veil.gateway.security.Caller;
import io.veil.policy.ColumnRole;
import io.veil.policy.Offer;
import io.veil.policy.OfferParser;
import io.veil.policy.Result;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Publishes and reads offers. An offer is immutable once published: contracts and agreements refer to it
 * by id and digest, so changing terms means publishing a new offer.
 */
@Service
public class OfferService {
    /** Larger offers are refused before parsing; real offers are a few KiB. */
    static final int MAX_BODY_CHARS = 256 * 1024;

    /** A published offer: the normalised JSON as stored, its parsed form and its digest (lower-case hex). */
    public record StoredOffer(String id, String providerOrg, Offer offer, String offerJson, String digest,
                              Instant createdAt) {}

    private final JdbcTemplate jdbc;
    private final DatasetStore datasets;
    private final ZoneKeyStore keys;
    private final LedgerOutbox outbox;
    private final TransactionTemplate tx;

    public OfferService(JdbcTemplate jdbc, DatasetStore datasets, ZoneKeyStore keys, LedgerOutbox outbox,
                        TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.datasets = datasets;
        this.keys = keys;
        this.outbox = outbox;
        this.tx = tx;
    }

    public StoredOffer publish(Caller caller, String body) {
        if (body != null && body.length() > MAX_BODY_CHARS) {
            throw new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "BODY_TOO_LARGE", "offer larger than " + MAX_BODY_CHARS + " characters");
        }
        Result<Offer> parsed = OfferParser.parse(body);
        if (!parsed.isOk()) throw PolicyRefusal.violations(HttpStatus.BAD_REQUEST, parsed.violations());
        Offer offer = parsed.value();
        Result<Offer> checked = OfferParser.validateAgainst(offer, ownedRoles(caller, offer));
        if (!checked.isOk()) throw PolicyRefusal.violations(HttpStatus.UNPROCESSABLE_ENTITY, checked.violations());
        String json = offer.toJson().toString();
        String digest = Digests.hex(keys.suite(), Digests.canonical(offer.toJson()));
        StoredOffer stored = new StoredOffer(UUID.randomUUID().toString(), caller.org(), offer, json, digest,
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        tx.executeWithoutResult(s -> {
            jdbc.update("INSERT INTO offers(id, provider_org, offer_json, digest, created_at) VALUES (?,?,?,?,?)",
                    stored.id(), stored.providerOrg(), json, digest, Timestamp.from(stored.createdAt()));
            offer.datasetIds().forEach(d -> jdbc.update("INSERT INTO offer_datasets(offer_id, dataset_id) VALUES (?,?)", stored.id(), d));
            outbox.record("OfferPublished", Map.of("offer", stored.id(), "org", caller.org()),
                    Map.of("datasetIds", offer.datasetIds(), "offerDigest", digest));
        });
        return stored;
    }

    /**
     * Column roles of the offered datasets the caller owns. Unknown datasets are left out so that
     * validateAgainst reports them (OFFER_UNKNOWN_DATASET); someone else's dataset is a 403 straight away,
     * before its roles could leak through role-conflict messages.
     */
    private Map<String, Map<String, ColumnRole>> ownedRoles(Caller caller, Offer offer) {
        Map<String, Map<String, ColumnRole>> roles = new HashMap<>();
        for (String id : offer.datasetIds()) {
            Optional<Dataset> d = datasets.find(id);
            if (d.isEmpty()) continue;
            if (!d.get().ownerOrg().equals(caller.org())) {
                throw ApiException.forbidden("NOT_DATASET_OWNER", "dataset '" + id + "' belongs to another organisation");
            }
            Map<String, ColumnRole> columns = new HashMap<>();
            // An unparseable stored role becomes null, which validateAgainst reports as OFFER_COLUMN_ROLE_MISSING.
            d.get().roles().forEach((column, role) -> columns.put(column, ColumnRole.parse(role).orElse(null)));
            roles.put(id, columns);
        }
        return roles;
    }

    public Optional<StoredOffer> find(String id) {
        return jdbc.query("SELECT * FROM offers WHERE id = ?", ROW, id).stream().findFirst();
    }

    public List<StoredOffer> list(String datasetId, int offset, int limit) {
        List<Object> args = new ArrayList<>();
        String sql = "SELECT * FROM offers o" + filter(datasetId, args) + " ORDER BY o.created_at DESC, o.id LIMIT ? OFFSET ?";
        args.add(limit);
        args.add(offset);
        return jdbc.query(sql, ROW, args.toArray());
    }

    public long count(String datasetId) {
        List<Object> args = new ArrayList<>();
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM offers o" + filter(datasetId, args), Long.class, args.toArray());
        return n == null ? 0 : n;
    }

    private static String filter(String datasetId, List<Object> args) {
        if (datasetId == null) return "";
        args.add(datasetId);
        return " WHERE EXISTS (SELECT 1 FROM offer_datasets d WHERE d.offer_id = o.id AND d.dataset_id = ?)";
    }

    private static final RowMapper<StoredOffer> ROW = (rs, i) -> {
        String json = rs.getString("offer_json");
        return new StoredOffer(rs.getString("id"), rs.getString("provider_org"), reparse(json), json,
                rs.getString("digest"), rs.getTimestamp("created_at").toInstant());
    };

    /** The stored normalised form always parses back to an equal offer; anything else is corruption. */
    private static Offer reparse(String json) {
        Result<Offer> r = OfferParser.parse(json);
        if (!r.isOk()) throw new IllegalStateException("stored offer no longer parses: " + r.violations().get(0).code());
        return r.value();
    }

    static JsonNode tree(StoredOffer o) {
        return o.offer().toJson();
    }
}
