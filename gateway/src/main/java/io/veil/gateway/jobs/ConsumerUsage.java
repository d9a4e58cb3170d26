package io.veil.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.policy.Pricing;

/**
 * A job's usage records as its views show them. The zone keeps the exact record (rows scanned, CPU
 * time) for metering and audit; a view carries the input size only in the unit PER_MILLION_ROWS_SCANNED
 * bills, because the exact row count of a version tells whether one more person is in it, and no CPU
 * time, which is a timing channel on the data (docs/privacy.md §1.3).
 */
final class ConsumerUsage {
    private ConsumerUsage() {}

    static JsonNode of(JsonNode records) {
        JsonNode copy = records.deepCopy();
        for (JsonNode r : copy) {
            if (!(r instanceof ObjectNode o)) continue;
            long rows = o.path("rowsScanned").asLong(0);
            o.remove("rowsScanned");
            o.remove("cpuMillis");
            o.put("rowsScannedMillions", Pricing.millionsRoundedUp(rows));
        }
        return copy;
    }
}
