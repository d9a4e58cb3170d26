package io.veil.gateway.products;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;

/** What a job's released result was computed from, as JobExecution recorded it on the job row. */
record JobInputs(List<Input> inputs, int minEntities) {
    /** {@code contentCommitment} is null in jobs recorded before V9 (they stored a plain {@code digest}, not read). */
    record Input(String datasetId, int version, String contentCommitment, String ownerOrg) {}

    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Null for a job that recorded no inputs (released before lineage was kept). */
    static JobInputs parse(String planJson) {
        if (planJson == null) return null;
        try {
            JobInputs in = JSON.readValue(planJson, JobInputs.class);
            return in == null || in.inputs() == null || in.inputs().isEmpty() ? null : in;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    List<Lineage.Source> sources() {
        return inputs.stream().map(i -> new Lineage.Source(i.datasetId(), i.version(), i.contentCommitment())).toList();
    }

    /** Whether every input carries a content commitment (not so for jobs run before V9). */
    boolean committed() {
        return inputs.stream().allMatch(i -> i.contentCommitment() != null);
    }
}
