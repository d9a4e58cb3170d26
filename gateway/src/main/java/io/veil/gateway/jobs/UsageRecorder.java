package io.veil.gateway.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.gateway.metering.MeteringService;
import io.veil.policy.Pricing;
import io.veil.policy.UsageRecord;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;

/**
 * Metering for a job (可计量): one usage record per contract of the job, priced by that contract's
 * offer, recorded in the same transaction as the CHECKED transition.
 */
@Component
class UsageRecorder {
    private final MeteringService metering;
    private final ObjectMapper json;

    UsageRecorder(MeteringService metering, ObjectMapper json) {
        this.metering = metering;
        this.json = json;
    }

    record Entry(UsageRecord record, String providerOrg, List<String> datasetIds) {}

    record Usage(List<Entry> entries, String json) {}

    Usage meter(Job job, List<JobContracts.Bound> bound, long rowsScanned, long cpuMillis, long microEpsilon) {
        List<Entry> entries = new ArrayList<>();
        for (JobContracts.Bound b : bound) {
            // Usage records are keyed by job; a multi-contract job's first contract carries the record.
            if (!entries.isEmpty()) break;
            UsageRecord u = Pricing.meter(job.id(), b.contract(), b.offer(), rowsScanned, cpuMillis, microEpsilon);
            entries.add(new Entry(u, b.contract().providerOrg(), b.offer().datasetIds()));
        }
        try {
            return new Usage(entries, json.writeValueAsString(entries.stream().map(Entry::record).toList()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void record(Usage u) {
        u.entries().forEach(e -> metering.record(e.record(), e.providerOrg(), e.datasetIds()));
    }
}
