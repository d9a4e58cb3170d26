package io.veil.gateway.datasets;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.gateway.ingest.ColumnInfo;
import io.veil.gateway.ingest.ColumnStats;
import io.veil.gateway.ingest.SyntheticPreview;
import org.springframework.stereotype.Service;

import java.util.List;
import java.util.Map;

/**
 * Synthetic previews: rows generated from the schema and the safe statistics only. The real rows
 * are never read (the blob is not even opened), so a preview cannot leak a cell value beyond what
 * the statistics already allow (categorical values shared by at least k rows).
 */
@Service
public class PreviewService {
    private final ObjectMapper json;

    public PreviewService(ObjectMapper json) {
        this.json = json;
    }

    public record Preview(String datasetId, int version, boolean synthetic, List<String> columns,
                          List<Map<String, Object>> rows) {}

    public Preview preview(DatasetVersion v, int rows) {
        try {
            List<ColumnInfo> schema = json.readValue(v.schemaJson(), new TypeReference<List<ColumnInfo>>() {});
            Map<String, ColumnStats> stats = json.readValue(v.statsJson(), new TypeReference<Map<String, ColumnStats>>() {});
            // Seeded by dataset version so the same preview is returned each time (no averaging of fresh samples).
            long seed = v.datasetId().hashCode() * 31L + v.version();
            List<Map<String, Object>> out = SyntheticPreview.generate(schema, stats, rows, seed);
            return new Preview(v.datasetId(), v.version(), true, schema.stream().map(ColumnInfo::name).toList(), out);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("corrupt stored schema", e);
        }
    }
}
