package io.veil.gateway.products;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.crypto.Suite;
import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.config.VeilProperties;
import io.veil.gateway.datasets.Dataset;
import io.veil.gateway.datasets.DatasetMetadata;
import io.veil.gateway.datasets.DatasetService;
import io.veil.gateway.datasets.DatasetStore;
import io.veil.gateway.federation.TrustedZone;
import io.veil.gateway.federation.ZoneDirectory;
import io.veil.gateway.jobs.Job;
import io.veil.gateway.jobs.JobStatus;
import io.veil.gateway.jobs.ReleasedResults;
import io.veil.gateway.ledger.LedgerOutbox;
import io.veil.gateway.security.Caller;
import io.veil.policy.ColumnRole;
import io.veil.sandbox.ResultTable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Publishes a released job's output as a data product (docs/data-products.md, ADR 0014): the
 * released table — already enforced, nothing more — is registered through the ordinary dataset
 * path (encrypted with its own data key, safe statistics, synthetic preview, DatasetRegistered),
 * with a synthetic {@code product_row} ENTITY_ID column so the distinct-entity threshold keeps
 * applying to jobs over the product (each released row counts as one entity). The product row,
 * one delivery row per tier-2 peer and DataProductPublished commit in the dataset's transaction;
 * the push to the peers happens after the commit and is retried until acknowledged.
 */
@Service
class DataProductService {
    static final String ROW_KEY = "product_row";
    static final String TAG = "data-product";
    /** Roles a product column may take: rows are groups, so there is no person, quasi-identifier or join key in them. */
    static final Set<ColumnRole> ALLOWED_ROLES = Set.of(ColumnRole.DIMENSION, ColumnRole.METRIC, ColumnRole.SENSITIVE);
    private static final Pattern ID = Pattern.compile("[a-f0-9-]{36}");
    private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Set<String> FIELDS = Set.of("jobId", "name", "description", "tags", "license", "columnRoles");

    private final ReleasedResults results;
    private final DatasetService datasets;
    private final DatasetStore datasetStore;
    private final DataProductStore store;
    private final ProductDelivery delivery;
    private final ZoneDirectory directory;
    private final LedgerOutbox outbox;
    private final JdbcTemplate jdbc;
    private final VeilProperties veil;
    private final Suite suite;
    private final ObjectMapper json;

    DataProductService(ReleasedResults results, DatasetService datasets, DatasetStore datasetStore, DataProductStore store,
                       ProductDelivery delivery, ZoneDirectory directory, LedgerOutbox outbox, JdbcTemplate jdbc,
                       VeilProperties veil, ZoneKeyStore keys, ObjectMapper json) {
        this.results = results;
        this.datasets = datasets;
        this.datasetStore = datasetStore;
        this.store = store;
        this.delivery = delivery;
        this.directory = directory;
        this.outbox = outbox;
        this.jdbc = jdbc;
        this.veil = veil;
        this.suite = keys.suite();
        this.json = json;
    }

    record Request(String jobId, String name, String description, List<String> tags, String license,
                   Map<String, String> columnRoles) {}

    DataProductStore.Product publish(Caller caller, byte[] body) {
        if (!"PUBLIC".equals(veil.zone().tier())) {
            throw ApiException.forbidden("ZONE_NOT_TIER_1", "data products are published in the public-data zone (tier 1) only");
        }
        Request req = parse(body);
        Job job = results.job(req.jobId()).orElseThrow(() -> ApiException.notFound("job"));
        if (!providerOf(caller, job)) throw ApiException.notFound("job"); // other providers' jobs look missing
        if (job.status() != JobStatus.RELEASED) {
            throw ApiException.conflict("JOB_NOT_RELEASED", "only a released job's output can become a data product; the job is " + job.status());
        }
        JobInputs inputs = JobInputs.parse(job.planJson());
        if (inputs == null || !inputs.committed() || job.resultCommitment() == null || job.queryCommitment() == null) {
            // Jobs run before keyed commitments (V9) recorded plain digests, which are not carried forward.
            throw ApiException.conflict("PRODUCT_LINEAGE_UNAVAILABLE", "the job did not record the dataset versions it read");
        }
        for (JobInputs.Input in : inputs.inputs()) {
            Dataset source = datasetStore.find(in.datasetId()).orElse(null);
            if (source == null || !source.ownerOrg().equals(caller.org())) {
                throw ApiException.forbidden("NOT_SOURCE_OWNER", "your organisation must own every dataset the job read");
            }
        }
        if (store.jobPublished(job.id())) throw ApiException.conflict("PRODUCT_ALREADY_PUBLISHED", "this job's output is already a data product");
        if (datasetStore.findByOwnerAndName(caller.org(), req.name()).isPresent()) {
            throw ApiException.conflict("PRODUCT_NAME_TAKEN", "your organisation already has a dataset named " + req.name());
        }
        ResultTable table = results.table(job);
        if (table.rows().isEmpty()) throw ApiException.unprocessable("PRODUCT_EMPTY", "the job released no rows");
        Map<String, String> roles = roles(table, req.columnRoles());
        DatasetMetadata meta = metadata(req, job, roles);
        byte[] csv = ProductCsv.write(ROW_KEY, table);
        List<String> peers = directory.trustedPeers().stream().filter(z -> "SOCIAL".equals(z.tier())).map(TrustedZone::zoneId).toList();
        DataProductStore.Product[] made = new DataProductStore.Product[1];
        try {
            datasets.register(caller, meta, "product.csv", "text/csv", new ByteArrayInputStream(csv), () -> {}, r -> {
                ProductCsv.requireTypesPreserved(table, r.version().schemaJson(), json);
                Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                Lineage l = new Lineage(r.dataset().id(), r.version().version(), r.version().contentCommitment(), r.version().rowCount(),
                        veil.zone().id(), veil.zone().tier(), caller.org(), job.id(), job.queryCommitment(), job.resultCommitment(),
                        job.contractIds(), inputs.sources(), inputs.minEntities(), ROW_KEY, now.toString());
                DataProductStore.Product p = new DataProductStore.Product(l.productId(), job.id(), caller.org(), l, l.digest(suite), now);
                store.insert(p, peers);
                outbox.record("DataProductPublished", subjects(p), attributes(p, peers));
                made[0] = p;
            });
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("PRODUCT_ALREADY_PUBLISHED", "this job's output is already a data product");
        } catch (ApiException e) {
            if ("DATASET_NAME_TAKEN".equals(e.code())) throw ApiException.conflict("PRODUCT_NAME_TAKEN", e.getMessage());
            throw e;
        }
        delivery.deliver(made[0].id()); // after the commit; an unreachable peer leaves the delivery PENDING
        return made[0];
    }

    private boolean providerOf(Caller caller, Job job) {
        for (String contract : job.contractIds()) {
            List<String> p = jdbc.queryForList("SELECT provider_org FROM contracts WHERE id = ?", String.class, contract);
            if (!p.isEmpty() && p.get(0).equals(caller.org())) return true;
        }
        return false;
    }

    private Request parse(byte[] body) {
        JsonNode n;
        try {
            n = body == null || body.length == 0 ? null : json.readTree(body);
        } catch (java.io.IOException e) {
            n = null;
        }
        if (n == null || !n.isObject()) throw ApiException.badRequest("MALFORMED_JSON", "body must be one JSON object");
        for (var it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) throw ApiException.badRequest("UNKNOWN_FIELD", "unknown field: " + (COLUMN.matcher(f).matches() ? f : "(invalid name)"));
        }
        Request r;
        try {
            r = json.treeToValue(n, Request.class);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw ApiException.badRequest("MALFORMED_JSON", "body is not of the documented shape");
        }
        if (r.jobId() == null || !ID.matcher(r.jobId()).matches()) throw ApiException.badRequest("INVALID_REQUEST", "jobId must be a job id");
        if (r.name() == null) throw ApiException.badRequest("INVALID_REQUEST", "name is required");
        return r;
    }

    /** Defaults: numeric columns METRIC, others DIMENSION; the caller may change them within {@link #ALLOWED_ROLES}. */
    private static Map<String, String> roles(ResultTable t, Map<String, String> requested) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(ROW_KEY, ColumnRole.ENTITY_ID.name());
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < t.columns().size(); i++) {
            String c = t.columns().get(i);
            if (!COLUMN.matcher(c).matches()) {
                throw ApiException.unprocessable("PRODUCT_COLUMN_NAME_INVALID", "result column " + (i + 1)
                        + " has a name outside [A-Za-z_][A-Za-z0-9_]{0,62}; alias it in the job's SELECT");
            }
            if (c.equalsIgnoreCase(ROW_KEY)) throw ApiException.unprocessable("PRODUCT_COLUMN_RESERVED", ROW_KEY + " is reserved for the product's row key");
            if (!seen.add(c.toLowerCase(Locale.ROOT))) throw ApiException.unprocessable("PRODUCT_COLUMN_NAME_INVALID", "column " + c + " appears twice");
            out.put(c, ProductCsv.numeric(t.types().get(i)) ? ColumnRole.METRIC.name() : ColumnRole.DIMENSION.name());
        }
        if (requested != null) {
            for (Map.Entry<String, String> e : requested.entrySet()) {
                String c = e.getKey();
                if (c == null || c.equalsIgnoreCase(ROW_KEY) || !out.containsKey(c)) {
                    throw ApiException.badRequest("ROLE_FOR_UNKNOWN_COLUMN", "columnRoles names a column the job's result does not have"
                            + (c != null && COLUMN.matcher(c).matches() ? ": " + c : ""));
                }
                ColumnRole role = e.getValue() == null ? null : ColumnRole.parse(e.getValue()).orElse(null);
                if (role == null) throw ApiException.badRequest("COLUMN_ROLE_UNKNOWN", "unknown role for column " + c);
                if (!ALLOWED_ROLES.contains(role)) {
                    throw ApiException.unprocessable("PRODUCT_ROLE_NOT_ALLOWED", "a product column is DIMENSION, METRIC or SENSITIVE"
                            + " (its rows are groups; " + ROW_KEY + " is the only entity column)");
                }
                out.put(c, role.name());
            }
        }
        return out;
    }

    private DatasetMetadata metadata(Request req, Job job, Map<String, String> roles) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", req.name());
        m.put("description", req.description() != null ? req.description() : "Data product derived from job " + job.id());
        List<String> tags = new ArrayList<>(req.tags() == null ? List.of() : req.tags());
        if (!tags.contains(TAG)) tags.add(TAG);
        m.put("tags", tags);
        if (req.license() != null) m.put("license", req.license());
        m.put("columns", roles);
        try {
            return DatasetMetadata.parse(json.writeValueAsBytes(m));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> subjects(DataProductStore.Product p) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("product", p.id());
        s.put("dataset", p.id());
        s.put("job", p.jobId());
        s.put("org", p.ownerOrg());
        s.put("contract", p.lineage().contractIds().get(0));
        return s;
    }

    /** The lineage fields both ledgers carry (ids, commitments, the lineage digest, numbers). */
    static Map<String, Object> lineageAttributes(Lineage l, String lineageDigest) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("lineageDigest", lineageDigest);
        a.put("datasetVersion", l.datasetVersion());
        a.put("contentCommitment", l.contentCommitment());
        a.put("rowCount", l.rowCount());
        a.put("jobId", l.jobId());
        a.put("queryCommitment", l.queryCommitment());
        a.put("resultCommitment", l.resultCommitment());
        a.put("contractIds", l.contractIds());
        a.put("sourceDatasets", l.sourceRefs());
        a.put("minEntities", l.minEntities());
        a.put("originZone", l.originZone());
        a.put("originTier", l.originTier());
        a.put("ownerOrg", l.ownerOrg());
        return a;
    }

    private static Map<String, Object> attributes(DataProductStore.Product p, List<String> peers) {
        Map<String, Object> a = lineageAttributes(p.lineage(), p.lineageDigest());
        a.put("deliverTo", peers);
        return a;
    }

    static ApiException notFound() {
        return new ApiException(HttpStatus.NOT_FOUND, "NOT_FOUND", "data product not found");
    }
}
