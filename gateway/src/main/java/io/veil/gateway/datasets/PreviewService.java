package io.veil.gateway.datasets;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.gateway.ingest.ColumnInfo;
import io.veil.gateway.ingest.PublishedStatistics;
import io.veil.gateway.ingest.SyntheticPreview;
import org.springframework.stereotype.Service;

import java.util.List;
import java.util.Map;

/**
 * Synthetic previews: rows generated from the schema and the published statistics only. The real
 * rows are never read (the blob is not even opened), and neither are the stored noisy counts below
 * the threshold, so a preview cannot show anything the catalog entry does not already show.
 */
@Service
public class PreviewService {
    private final ObjectMapper json;
    private final CatalogStatistics statistics;

    public PreviewService(ObjectMapper json, CatalogStatistics statistics) {
        this.json = json;
        this.statistics = statistics;
    }

    public record Preview(String datasetId, int version, boolean synthetic, List<String> columns,
                          List<Map<String, Object>> rows) {}

    /** A preview of {@code v}, which must be its dataset's current version. */
    public Preview preview(DatasetVersion v, int rows) {
        return preview(v, statistics.published(v), rows);
    }

    /** A preview from statistics the caller already published for {@code v}. */
    public Preview preview(DatasetVersion v, PublishedStatistics published, int rows) {
        try {
            List<ColumnInfo> schema = json.readValue(v.schemaJson(), new TypeReference<List<ColumnInfo>>() {});
            // Seeded by dataset version so the same preview is returned each time (no averaging of fresh samples).
            long seed = v.datasetId().hashCode() * 31L + v.version();
            List<Map<String, Object>> out = SyntheticPreview.generate(schema, published, rows, seed);
            return new Preview(v.datasetId(), v.version(), true, schema.stream().map(ColumnInfo::name).toList(), out);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("corrupt stored schema", e);
        }
    }
}
