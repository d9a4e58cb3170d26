package io.veil.gateway.products;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Data products published here ({@code data_products}), their pushes to tier-2 peers
 * ({@code data_product_deliveries}) and products tier-1 peers pushed here ({@code remote_data_products}).
 */
@Repository
class DataProductStore {
    static final String PENDING = "PENDING";
    static final String DELIVERED = "DELIVERED";
    private final JdbcTemplate jdbc;

    DataProductStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    record Product(String id, String jobId, String ownerOrg, Lineage lineage, String lineageDigest, Instant createdAt) {}

    record Delivery(String productId, String peerZone, String state, int attempts, String lastError, Instant updatedAt,
                    Instant deliveredAt) {}

    record Received(String zone, String id, String tier, String ownerOrg, String name, String description, Lineage lineage,
                    String lineageDigest, Instant publishedAt, Instant receivedAt) {}

    // ---- published here ----

    /** Call inside the publishing transaction. */
    void insert(Product p, List<String> peers) {
        jdbc.update("INSERT INTO data_products(id, job_id, owner_org, lineage_json, lineage_digest, created_at) VALUES (?,?,?,?,?,?)",
                p.id(), p.jobId(), p.ownerOrg(), p.lineage().json(), p.lineageDigest(), Timestamp.from(p.createdAt()));
        for (String peer : peers) {
            jdbc.update("INSERT INTO data_product_deliveries(product_id, peer_zone, state, attempts, updated_at) VALUES (?,?,?,0,?)",
                    p.id(), peer, PENDING, Timestamp.from(p.createdAt()));
        }
    }

    Optional<Product> find(String id) {
        return jdbc.query("SELECT * FROM data_products WHERE id = ?", PRODUCT, id).stream().findFirst();
    }

    boolean jobPublished(String jobId) {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM data_products WHERE job_id = ?", Long.class, jobId);
        return n != null && n > 0;
    }

    List<Product> list(int offset, int limit) {
        return jdbc.query("SELECT * FROM data_products ORDER BY created_at, id LIMIT ? OFFSET ?", PRODUCT, limit, offset);
    }

    long count() {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM data_products", Long.class);
        return n == null ? 0 : n;
    }

    List<Delivery> deliveries(String productId) {
        return jdbc.query("SELECT * FROM data_product_deliveries WHERE product_id = ? ORDER BY peer_zone", DELIVERY, productId);
    }

    List<Delivery> pending() {
        return jdbc.query("SELECT * FROM data_product_deliveries WHERE state = ? ORDER BY updated_at", DELIVERY, PENDING);
    }

    void delivered(String productId, String peer) {
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update("UPDATE data_product_deliveries SET state = ?, attempts = attempts + 1, last_error = NULL, updated_at = ?, delivered_at = ?"
                + " WHERE product_id = ? AND peer_zone = ?", DELIVERED, now, now, productId, peer);
    }

    void failed(String productId, String peer, String error) {
        jdbc.update("UPDATE data_product_deliveries SET attempts = attempts + 1, last_error = ?, updated_at = ? WHERE product_id = ? AND peer_zone = ?",
                error.length() > 128 ? error.substring(0, 128) : error, Timestamp.from(Instant.now()), productId, peer);
    }

    /** The peer's application refused the listing (a signed 4xx): not retried. */
    void refused(String productId, String peer, String error) {
        jdbc.update("UPDATE data_product_deliveries SET state = ?, attempts = attempts + 1, last_error = ?, updated_at = ? WHERE product_id = ? AND peer_zone = ?",
                ProductDelivery.REFUSED, error.length() > 128 ? error.substring(0, 128) : error, Timestamp.from(Instant.now()), productId, peer);
    }

    // ---- received from tier-1 peers ----

    Optional<Received> received(String zone, String id) {
        return jdbc.query("SELECT * FROM remote_data_products WHERE zone_id = ? AND product_id = ?", RECEIVED, zone, id).stream().findFirst();
    }

    Optional<Received> receivedById(String id) {
        return jdbc.query("SELECT * FROM remote_data_products WHERE product_id = ? ORDER BY zone_id", RECEIVED, id).stream().findFirst();
    }

    List<Received> received(int offset, int limit) {
        return jdbc.query("SELECT * FROM remote_data_products ORDER BY received_at, zone_id, product_id LIMIT ? OFFSET ?", RECEIVED, limit, offset);
    }

    long receivedCount() {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM remote_data_products", Long.class);
        return n == null ? 0 : n;
    }

    /** Call inside the listing transaction. */
    void insertReceived(Received r) {
        jdbc.update("INSERT INTO remote_data_products(zone_id, product_id, zone_tier, owner_org, name, description, lineage_json,"
                        + " lineage_digest, published_at, received_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                r.zone(), r.id(), r.tier(), r.ownerOrg(), r.name(), r.description(), r.lineage().json(), r.lineageDigest(),
                Timestamp.from(r.publishedAt()), Timestamp.from(r.receivedAt()));
    }

    private static final RowMapper<Product> PRODUCT = (rs, i) -> new Product(rs.getString("id"), rs.getString("job_id"),
            rs.getString("owner_org"), Lineage.parse(rs.getString("lineage_json")), rs.getString("lineage_digest"),
            rs.getTimestamp("created_at").toInstant());

    private static final RowMapper<Delivery> DELIVERY = (rs, i) -> new Delivery(rs.getString("product_id"), rs.getString("peer_zone"),
            rs.getString("state"), rs.getInt("attempts"), rs.getString("last_error"), rs.getTimestamp("updated_at").toInstant(),
            rs.getTimestamp("delivered_at") == null ? null : rs.getTimestamp("delivered_at").toInstant());

    private static final RowMapper<Received> RECEIVED = (rs, i) -> new Received(rs.getString("zone_id"), rs.getString("product_id"),
            rs.getString("zone_tier"), rs.getString("owner_org"), rs.getString("name"), rs.getString("description"),
            Lineage.parse(rs.getString("lineage_json")), rs.getString("lineage_digest"),
            rs.getTimestamp("published_at").toInstant(), rs.getTimestamp("received_at").toInstant());
}
