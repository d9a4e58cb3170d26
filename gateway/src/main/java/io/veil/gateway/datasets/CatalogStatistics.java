package io.veil.gateway.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.gateway.config.VeilProperties;
import io.veil.gateway.ingest.PublishedStatistics;
import io.veil.gateway.ingest.StoredStatistics;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import java.util.Map;

/**
 * The catalog statistics a reader may see (ADR 0020): the latest version's stored noisy counts under
 * the dataset's strictest k, evaluated at every read so that a later, stricter offer takes effect at once.
 */
@Service
public class CatalogStatistics {
    private final JdbcTemplate jdbc;
    private final VeilProperties props;
    private final ObjectMapper json;

    public CatalogStatistics(JdbcTemplate jdbc, VeilProperties props, ObjectMapper json) {
        this.jdbc = jdbc;
        this.props = props;
        this.json = json;
    }

    /** k of a dataset: the largest of the zone floor ({@code veil.catalog.min-entities}) and every offer's minEntities on it. */
    public int strictestK(String datasetId) {
        int k = props.catalog().minEntities();
        for (String offer : jdbc.queryForList("SELECT o.offer_json FROM offers o JOIN offer_datasets d ON d.offer_id = o.id"
                + " WHERE d.dataset_id = ?", String.class, datasetId)) {
            k = Math.max(k, minEntities(offer));
        }
        return k;
    }

    /** What catalog readers see of {@code v}; call it for a dataset's current version only. */
    public PublishedStatistics published(DatasetVersion v) {
        return stored(v).publish(strictestK(v.datasetId()));
    }

    /** An offer whose k cannot be read hides everything (fail closed). */
    private int minEntities(String offerJson) {
        try {
            JsonNode k = json.readTree(offerJson).path("rules").path("minEntities");
            return k.isIntegralNumber() && k.canConvertToInt() && k.intValue() >= 1 ? k.intValue() : Integer.MAX_VALUE;
        } catch (Exception e) {
            return Integer.MAX_VALUE;
        }
    }

    /** Versions stored before ADR 0020 carry exact statistics: they are treated as having none. */
    private StoredStatistics stored(DatasetVersion v) {
        try {
            JsonNode tree = json.readTree(v.statsJson());
            if (tree.path("format").asInt() != StoredStatistics.FORMAT) return new StoredStatistics(0, null, Map.of());
            return json.treeToValue(tree, StoredStatistics.class);
        } catch (Exception e) {
            throw new IllegalStateException("corrupt stored statistics");
        }
    }
}
