package io.veil.policy;

/** How a query uses a column, as reported by the SQL analyzer. */
public enum UseKind { OUTPUT_RAW, GROUP_BY, FILTER, AGGREGATE_ARG, JOIN_KEY, ORDER_BY }
