package io.veil.gateway.datasets;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@link DatasetStore} on JDBC; the same SQL runs on H2 (PostgreSQL mode) and PostgreSQL. */
@Repository
public class JdbcDatasetStore implements DatasetStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JdbcTemplate jdbc;

    public JdbcDatasetStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean insert(Dataset d, DatasetVersion first) {
        try {
            jdbc.update("INSERT INTO datasets(id,name,description,tags_json,license,owner_org,zone_id,zone_tier,"
                            + "roles_json,current_version,created_at,search_text) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    d.id(), d.name(), d.description(), json(d.tags()), d.license(), d.ownerOrg(), d.zoneId(),
                    d.zoneTier(), json(d.roles()), d.currentVersion(), ts(d.createdAt()), searchText(d));
        } catch (DuplicateKeyException e) {
            return false;
        }
        insertVersion(first);
        return true;
    }

    @Override
    public boolean addVersion(DatasetVersion v) {
        int n = jdbc.update("UPDATE datasets SET current_version = ? WHERE id = ? AND current_version = ?",
                v.version(), v.datasetId(), v.version() - 1);
        if (n != 1) return false;
        insertVersion(v);
        return true;
    }

    private void insertVersion(DatasetVersion v) {
        jdbc.update("INSERT INTO dataset_versions(dataset_id,version,content_commitment,row_count,size_bytes,schema_json,stats_json,"
                        + "blob_name,wrapped_key,zone_key_version,created_at,parquet_blob_name,unique_entity_column,non_null_columns) "
                        + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                v.datasetId(), v.version(), v.contentCommitment(), v.rowCount(), v.sizeBytes(), v.schemaJson(), v.statsJson(),
                v.blobName(), v.wrappedKey(), v.zoneKeyVersion(), ts(v.createdAt()), v.copyBlobName(), v.uniqueEntityColumn(),
                json(new java.util.TreeSet<>(v.nonNullColumns())));
    }

    @Override
    public Optional<Dataset> find(String id) {
        return jdbc.query("SELECT * FROM datasets WHERE id = ?", DATASET, id).stream().findFirst();
    }

    @Override
    public Optional<Dataset> findByOwnerAndName(String ownerOrg, String name) {
        return jdbc.query("SELECT * FROM datasets WHERE owner_org = ? AND name = ?", DATASET, ownerOrg, name)
                .stream().findFirst();
    }

    @Override
    public List<DatasetVersion> versions(String datasetId) {
        return jdbc.query("SELECT * FROM dataset_versions WHERE dataset_id = ? ORDER BY version", VERSION, datasetId);
    }

    @Override
    public Optional<DatasetVersion> version(String datasetId, int version) {
        return jdbc.query("SELECT * FROM dataset_versions WHERE dataset_id = ? AND version = ?", VERSION,
                datasetId, version).stream().findFirst();
    }

    @Override
    public List<Dataset> search(String text, String tag, int offset, int limit) {
        List<Object> args = new ArrayList<>();
        String where = where(text, tag, args);
        args.add(limit);
        args.add(offset);
        return jdbc.query("SELECT * FROM datasets" + where + " ORDER BY created_at, id LIMIT ? OFFSET ?", DATASET,
                args.toArray());
    }

    @Override
    public long count(String text, String tag) {
        List<Object> args = new ArrayList<>();
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM datasets" + where(text, tag, args), Long.class, args.toArray());
        return n == null ? 0 : n;
    }

    private static String where(String text, String tag, List<Object> args) {
        List<String> conds = new ArrayList<>();
        if (text != null && !text.isBlank()) {
            conds.add("search_text LIKE ? ESCAPE '\\'");
            args.add("%" + likeEscape(text.toLowerCase(Locale.ROOT)) + "%");
        }
        if (tag != null && !tag.isBlank()) {
            conds.add("tags_json LIKE ? ESCAPE '\\'");
            args.add("%\"" + likeEscape(tag) + "\"%");
        }
        return conds.isEmpty() ? "" : " WHERE " + String.join(" AND ", conds);
    }

    private static String likeEscape(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    @Override
    public List<String> allBlobNames() {
        List<String> names = new ArrayList<>(jdbc.queryForList("SELECT blob_name FROM dataset_versions", String.class));
        names.addAll(jdbc.queryForList("SELECT parquet_blob_name FROM dataset_versions WHERE parquet_blob_name IS NOT NULL", String.class));
        return names;
    }

    @Override
    public List<DatasetVersion> allVersions() {
        return jdbc.query("SELECT * FROM dataset_versions ORDER BY dataset_id, version", VERSION);
    }

    @Override
    public void updateWrappedKey(String datasetId, int version, String wrappedKey, String zoneKeyVersion) {
        jdbc.update("UPDATE dataset_versions SET wrapped_key = ?, zone_key_version = ? WHERE dataset_id = ? AND version = ?",
                wrappedKey, zoneKeyVersion, datasetId, version);
    }

    private static String searchText(Dataset d) {
        return (d.name() + " " + d.description() + " " + String.join(" ", d.tags())).toLowerCase(Locale.ROOT);
    }

    private static Timestamp ts(Instant i) {
        return Timestamp.from(i);
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T parse(String s, TypeReference<T> t) {
        try {
            return JSON.readValue(s, t);
        } catch (Exception e) {
            throw new IllegalStateException("corrupt metadata row", e);
        }
    }

    private static final RowMapper<Dataset> DATASET = (rs, i) -> new Dataset(
            rs.getString("id"), rs.getString("name"), rs.getString("description"),
            parse(rs.getString("tags_json"), new TypeReference<List<String>>() {}), rs.getString("license"),
            rs.getString("owner_org"), rs.getString("zone_id"), rs.getString("zone_tier"),
            parse(rs.getString("roles_json"), new TypeReference<LinkedHashMap<String, String>>() {}),
            rs.getInt("current_version"), rs.getTimestamp("created_at").toInstant());

    private static final RowMapper<DatasetVersion> VERSION = (rs, i) -> new DatasetVersion(
            rs.getString("dataset_id"), rs.getInt("version"), rs.getString("content_commitment"), rs.getLong("row_count"),
            rs.getLong("size_bytes"), rs.getString("schema_json"), rs.getString("stats_json"),
            rs.getString("blob_name"), rs.getString("wrapped_key"), rs.getString("zone_key_version"),
            rs.getTimestamp("created_at").toInstant(), rs.getString("parquet_blob_name"), rs.getString("unique_entity_column"),
            rs.getString("non_null_columns") == null ? java.util.Set.of()
                    : parse(rs.getString("non_null_columns"), new TypeReference<java.util.Set<String>>() {}));
}
