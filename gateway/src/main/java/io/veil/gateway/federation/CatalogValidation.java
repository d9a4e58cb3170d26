package io.veil.gateway.federation;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.gateway.ingest.PublishedStatistics;
import io.veil.policy.ColumnRole;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A peer's catalog is authenticated but still input: every entry must be well-formed, belong to
 * that peer, carry the tier this zone configured for it, and come with a preview marked synthetic
 * whose columns are the schema's. Anything else refuses the whole page (no partial catalog).
 */
public final class CatalogValidation {
    private static final Pattern ID = Pattern.compile("[a-f0-9-]{36}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Pattern ORG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern DIGEST = Pattern.compile("[a-f0-9]{64}");
    static final int MAX_PREVIEW_ROWS = 100;
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private CatalogValidation() {}

    /** Thrown for a malformed or inconsistent entry; the message names fields, never values. */
    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    public static CatalogEntry check(CatalogEntry e, TrustedZone peer) throws Invalid {
        if (e == null) throw new Invalid("null entry");
        require(e.id() != null && ID.matcher(e.id()).matches(), "id");
        require(e.name() != null && NAME.matcher(e.name()).matches(), "name");
        require(peer.zoneId().equals(e.zone()), "zone (a peer may only publish its own datasets)");
        require(peer.tier().equals(e.tier()), "tier (differs from the tier configured for this peer)");
        require(e.ownerOrg() != null && ORG.matcher(e.ownerOrg()).matches(), "ownerOrg");
        require(text(e.description(), 4000) && text(e.license(), 128), "description/license");
        require(e.tags() == null || e.tags().size() <= 20 && e.tags().stream().allMatch(t -> t != null && TAG.matcher(t).matches()), "tags");
        require(e.currentVersion() >= 1 && (e.approxEntities() == null || e.approxEntities() >= 0) && e.createdAt() != null,
                "version/approxEntities/createdAt");
        require(e.contentCommitment() == null || DIGEST.matcher(e.contentCommitment()).matches(), "contentCommitment");
        require(e.columnRoles() != null && !e.columnRoles().isEmpty() && e.columnRoles().size() <= 1000, "columnRoles");
        for (Map.Entry<String, String> c : e.columnRoles().entrySet()) {
            require(c.getKey() != null && c.getKey().length() <= 128 && c.getValue() != null
                    && ColumnRole.parse(c.getValue()).isPresent(), "columnRoles");
        }
        require(e.schema() != null && e.schema().isArray() && e.schema().size() == e.columnRoles().size(), "schema");
        List<String> columns = new ArrayList<>();
        for (JsonNode c : e.schema()) {
            String name = c.path("name").asText(null);
            require(name != null && e.columnRoles().containsKey(name), "schema (column without a role)");
            columns.add(name);
        }
        require(e.statistics() == null || e.statistics().isObject(), "statistics");
        JsonNode statistics = published(e.statistics());
        CatalogEntry.Preview p = e.preview();
        require(p != null && p.synthetic(), "preview (must be synthetic)");
        require(p.columns() != null && p.columns().equals(columns), "preview columns");
        require(p.rows() != null && p.rows().size() <= MAX_PREVIEW_ROWS, "preview rows");
        for (Map<String, Object> row : p.rows()) {
            require(row != null && columns.containsAll(row.keySet()), "preview row columns");
        }
        require(RemoteCatalogStore.json(e.statistics()).length() <= 1_000_000, "statistics too large");
        require(RemoteCatalogStore.json(p).length() <= 1_000_000, "preview too large");
        require(RemoteCatalogStore.json(e.schema()).length() + RemoteCatalogStore.json(e.columnRoles()).length() <= 100_000,
                "schema too large");
        return new CatalogEntry(e.id(), e.name(), e.description() == null ? "" : e.description(),
                e.tags() == null ? List.of() : List.copyOf(e.tags()), e.license() == null ? "" : e.license(), e.ownerOrg(),
                e.zone(), e.tier(), e.columnRoles(), e.currentVersion(), e.createdAt(), e.contentCommitment(), e.approxEntities(),
                e.schema(), statistics, p);
    }

    /**
     * The peer's statistics if they have the published shape (ADR 0020: noisy entity counts); anything else —
     * e.g. the exact statistics a peer running an older version exports — is dropped, not stored or served.
     */
    private static JsonNode published(JsonNode statistics) {
        if (statistics == null) return null;
        try {
            STRICT.treeToValue(statistics, PublishedStatistics.class);
            return statistics;
        } catch (Exception notPublishedShape) {
            return null;
        }
    }

    static void distinctIds(List<CatalogEntry> entries) throws Invalid {
        Set<String> seen = new HashSet<>();
        for (CatalogEntry e : entries) require(seen.add(e.id()), "duplicate dataset id");
    }

    private static boolean text(String v, int max) {
        return v == null || v.length() <= max && v.chars().noneMatch(ch -> ch < 0x20 && ch != '\n' && ch != '\t' || ch == 0x7f);
    }

    private static void require(boolean ok, String field) throws Invalid {
        if (!ok) throw new Invalid("invalid field: " + field);
    }
}
