package io.veil.policy;

import java.util.Optional;

/** Tier of the zone a requester works in: PUBLIC (一级区, public data) or SOCIAL (二级区). */
public enum ZoneTier {
    PUBLIC, SOCIAL;

    public static Optional<ZoneTier> parse(String name) {
        return Enums.parse(ZoneTier.class, name);
    }
}
