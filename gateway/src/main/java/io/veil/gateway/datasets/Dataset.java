package io.veil.gateway.datasets;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Catalog metadata of a dataset (never data). {@code roles} maps each column to its role name. */
public record Dataset(String id, String name, String description, List<String> tags, String license,
                      String ownerOrg, String zoneId, String zoneTier, Map<String, String> roles,
                      int currentVersion, Instant createdAt) {}
