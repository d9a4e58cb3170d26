package io.veil.gateway.federation;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Peers' catalogs as last fetched ({@code remote_datasets}); a sync replaces a peer's rows as a whole. */
@Repository
public class RemoteCatalogStore {
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private final JdbcTemplate jdbc;

    public RemoteCatalogStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A stored remote dataset; {@code entry} is the peer's catalog entry as validated on fetch. */
    public record RemoteDataset(String zone, String tier, CatalogEntry entry, Instant fetchedAt) {}

    /** Replaces everything stored for {@code zone}. Call inside a transaction. */
    public void replace(String zone, String tier, List<CatalogEntry> entries, Instant fetchedAt) {
        jdbc.update("DELETE FROM remote_datasets WHERE zone_id = ?", zone);
        for (CatalogEntry e : entries) insert(zone, tier, e, fetchedAt);
    }

    private void insert(String zone, String tier, CatalogEntry e, Instant fetchedAt) {
        CatalogEntry meta = new CatalogEntry(e.id(), e.name(), e.description(), e.tags(), e.license(), e.ownerOrg(),
                zone, tier, e.columnRoles(), e.currentVersion(), e.createdAt(), e.contentCommitment(), e.approxEntities(),
                e.schema(), null, null);
        jdbc.update("INSERT INTO remote_datasets(zone_id,dataset_id,name,zone_tier,owner_org,current_version,created_at,"
                        + "fetched_at,search_text,tags_json,meta_json,stats_json,preview_json) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                zone, e.id(), e.name(), tier, e.ownerOrg(), e.currentVersion(), Timestamp.from(e.createdAt()),
                Timestamp.from(fetchedAt), searchText(e), json(e.tags()), json(meta), json(e.statistics()), json(e.preview()));
    }

    /**
     * Stores or replaces one entry of {@code zone} (a data product the peer pushed, so it is listed before
     * the next sync, which keeps it as long as the peer still publishes it). Call inside a transaction.
     */
    public void upsert(String zone, String tier, CatalogEntry entry, Instant fetchedAt) {
        jdbc.update("DELETE FROM remote_datasets WHERE zone_id = ? AND dataset_id = ?", zone, entry.id());
        insert(zone, tier, entry, fetchedAt);
    }

    /** Deletes the copies of every zone not in {@code zones}; returns how many rows went. */
    public int retainOnly(List<String> zones) {
        if (zones.isEmpty()) return jdbc.update("DELETE FROM remote_datasets");
        String marks = String.join(",", java.util.Collections.nCopies(zones.size(), "?"));
        return jdbc.update("DELETE FROM remote_datasets WHERE zone_id NOT IN (" + marks + ")", zones.toArray());
    }

    public Optional<RemoteDataset> find(String zone, String datasetId) {
        return jdbc.query("SELECT * FROM remote_datasets WHERE zone_id = ? AND dataset_id = ?", ROW, zone, datasetId)
                .stream().findFirst();
    }

    public List<RemoteDataset> search(String text, String tag, String zone, int offset, int limit) {
        List<Object> args = new ArrayList<>();
        String where = where(text, tag, zone, args);
        args.add(limit);
        args.add(offset);
        return jdbc.query("SELECT * FROM remote_datasets" + where + " ORDER BY zone_id, created_at, dataset_id LIMIT ? OFFSET ?",
                ROW, args.toArray());
    }

    public long count(String text, String tag, String zone) {
        List<Object> args = new ArrayList<>();
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM remote_datasets" + where(text, tag, zone, args), Long.class, args.toArray());
        return n == null ? 0 : n;
    }

    private static String where(String text, String tag, String zone, List<Object> args) {
        List<String> conds = new ArrayList<>();
        if (text != null && !text.isBlank()) {
            conds.add("search_text LIKE ? ESCAPE '\\'");
            args.add("%" + likeEscape(text.toLowerCase(Locale.ROOT)) + "%");
        }
        if (tag != null && !tag.isBlank()) {
            conds.add("tags_json LIKE ? ESCAPE '\\'");
            args.add("%\"" + likeEscape(tag) + "\"%");
        }
        if (zone != null) {
            conds.add("zone_id = ?");
            args.add(zone);
        }
        return conds.isEmpty() ? "" : " WHERE " + String.join(" AND ", conds);
    }

    private static final RowMapper<RemoteDataset> ROW = (rs, i) -> {
        CatalogEntry meta = parse(rs.getString("meta_json"), new TypeReference<>() {});
        JsonNode stats = parse(rs.getString("stats_json"), new TypeReference<>() {});
        CatalogEntry.Preview preview = parse(rs.getString("preview_json"), new TypeReference<>() {});
        CatalogEntry full = new CatalogEntry(meta.id(), meta.name(), meta.description(), meta.tags(), meta.license(),
                meta.ownerOrg(), meta.zone(), meta.tier(), meta.columnRoles(), meta.currentVersion(), meta.createdAt(),
                meta.contentCommitment(), meta.approxEntities(), meta.schema(), stats, preview);
        return new RemoteDataset(rs.getString("zone_id"), rs.getString("zone_tier"), full,
                rs.getTimestamp("fetched_at").toInstant());
    };

    private static String searchText(CatalogEntry e) {
        String s = (e.name() + " " + e.description() + " " + String.join(" ", e.tags())).toLowerCase(Locale.ROOT);
        return s.length() > 8000 ? s.substring(0, 8000) : s;
    }

    private static String likeEscape(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException("cannot serialise catalog entry");
        }
    }

    private static <T> T parse(String s, TypeReference<T> t) {
        try {
            return JSON.readValue(s, t);
        } catch (Exception e) {
            throw new IllegalStateException("corrupt stored remote catalog entry");
        }
    }
}
