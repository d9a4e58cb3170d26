package io.veil.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.gateway.datasets.Dataset;
import io.veil.gateway.datasets.DatasetStore;
import io.veil.gateway.datasets.DatasetVersion;
import io.veil.policy.ColumnRole;
import io.veil.sandbox.analysis.ColumnSchema;
import io.veil.sandbox.analysis.TableBinding;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tables a job may name: every dataset of its contracts' offers, by dataset name and by id.
 * A name shared by two contract datasets is not bound (the consumer must use the id), so a name
 * can never silently resolve to the wrong provider's data.
 */
@Component
class TableCatalog {
    private final DatasetStore datasets;
    private final ObjectMapper json;

    TableCatalog(DatasetStore datasets, ObjectMapper json) {
        this.datasets = datasets;
        this.json = json;
    }

    record Bound(Dataset dataset, DatasetVersion version, TableBinding binding) {}

    Map<String, Bound> bind(List<String> datasetIds) {
        Map<String, Bound> byId = new LinkedHashMap<>();
        for (String id : datasetIds) {
            Dataset d = datasets.find(id).orElseThrow(() -> new IllegalStateException("contract dataset missing"));
            DatasetVersion v = datasets.version(id, d.currentVersion()).orElseThrow();
            byId.put(id, new Bound(d, v, new TableBinding(id, d.name(), columns(d, v))));
        }
        return byId;
    }

    /** SQL name → binding: ids always, names only when unambiguous (lower-case keys; the analyzer matches case-insensitively). */
    static Map<String, TableBinding> sqlNames(Map<String, Bound> bound) {
        Map<String, TableBinding> m = new HashMap<>();
        Map<String, Integer> nameCount = new HashMap<>();
        bound.values().forEach(b -> nameCount.merge(b.dataset().name().toLowerCase(Locale.ROOT), 1, Integer::sum));
        for (Bound b : bound.values()) {
            m.put(b.dataset().id(), b.binding());
            String n = b.dataset().name().toLowerCase(Locale.ROOT);
            if (nameCount.get(n) == 1) m.put(n, b.binding());
        }
        return m;
    }

    static Map<String, Map<String, ColumnRole>> roles(Map<String, Bound> bound) {
        Map<String, Map<String, ColumnRole>> m = new HashMap<>();
        for (Bound b : bound.values()) {
            Map<String, ColumnRole> r = new LinkedHashMap<>();
            b.dataset().roles().forEach((c, role) -> r.put(c, ColumnRole.parse(role).orElseThrow()));
            m.put(b.dataset().id(), r);
        }
        return m;
    }

    private List<ColumnSchema> columns(Dataset d, DatasetVersion v) {
        try {
            List<ColumnSchema> out = new ArrayList<>();
            for (JsonNode c : json.readTree(v.schemaJson())) {
                String name = c.get("name").asText();
                out.add(new ColumnSchema(name, c.get("type").asText(), ColumnRole.parse(d.roles().get(name)).orElseThrow()));
            }
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("corrupt stored schema", e);
        }
    }
}
