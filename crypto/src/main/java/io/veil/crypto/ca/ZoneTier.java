package io.veil.crypto.ca;

/** The two tiers of the data space; a zone certificate carries its tier as the subject's O. */
public enum ZoneTier {
    /** Public-data zone (tier 1, 一级区). */
    PUBLIC,
    /** Social-data zone (tier 2, 二级区). */
    SOCIAL
}
