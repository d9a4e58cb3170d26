package io.veil.sandbox.plan;

/** The worker loads dataset {@code datasetId} as table {@code internalName} (t0, t1, ...). */
public record TableInput(String internalName, String datasetId) {
}
