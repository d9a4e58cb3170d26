package io.veil.policy;

/** Who acts on a contract: the provider org, the consumer org, or the platform itself (clock, quota). */
public enum Actor { PROVIDER, CONSUMER, SYSTEM }
