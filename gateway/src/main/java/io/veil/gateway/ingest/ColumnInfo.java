package io.veil.gateway.ingest;

import io.veil.policy.ColumnRole;

/** One column of an ingested dataset: name, inferred type (BIGINT, DOUBLE, BOOLEAN, DATE, VARCHAR), role. */
public record ColumnInfo(String name, String type, ColumnRole role) {}
