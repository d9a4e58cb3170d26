package io.veil.gateway.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * One column's published statistics; which fields exist depends on the role:
 * <ul>
 *   <li>every column: {@code nullEntities}, entities with a NULL in it, when that reaches the threshold;</li>
 *   <li>DIMENSION (not DOUBLE): {@code values}, entities per value for values reaching the threshold,
 *       largest first, and {@code approxDistinct}, the noisy number of distinct values; with
 *       {@code highCardinality} instead of values when there are too many to list;</li>
 *   <li>VARCHAR ENTITY_ID, QUASI_IDENTIFIER, JOIN_KEY, SENSITIVE: {@code lengths}, entities per
 *       power-of-two length band ("8-15") for bands reaching the threshold.</li>
 * </ul>
 * Never a minimum, maximum, quantile, mean or deviation: those are individual values or move with one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ColumnStats(Long nullEntities, Map<String, Long> values, Long approxDistinct, Boolean highCardinality,
                          Map<String, Long> lengths) {}
