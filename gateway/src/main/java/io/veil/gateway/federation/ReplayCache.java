package io.veil.gateway.federation;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Nonces of accepted requests, kept until their timestamp can no longer pass the clock-skew check
 * (timestamp + skew). Bounded: when full of nonces that are still live it refuses to accept more
 * (fail closed) instead of forgetting one that could then be replayed. In memory only — across a
 * restart, {@link ZoneRequestVerifier} refuses every request stamped before the process started.
 */
final class ReplayCache {
    enum Outcome { FRESH, REPLAYED, FULL }

    private final int capacity;
    private final Map<String, Long> expiryByKey = new HashMap<>();
    private long nextSweep = Long.MIN_VALUE;

    ReplayCache(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("replay cache capacity must be positive");
        this.capacity = capacity;
    }

    /** Remembers {@code zone:nonce} until {@code expiresAtSeconds}; REPLAYED if it is already remembered. */
    synchronized Outcome admit(String zone, String nonce, long expiresAtSeconds, long nowSeconds) {
        String key = zone + ":" + nonce;
        Long known = expiryByKey.get(key);
        if (known != null && known >= nowSeconds) return Outcome.REPLAYED;
        if (nowSeconds >= nextSweep || expiryByKey.size() >= capacity) {
            sweep(nowSeconds);
            nextSweep = nowSeconds + 1;
        }
        if (expiryByKey.size() >= capacity) return Outcome.FULL;
        expiryByKey.put(key, expiresAtSeconds);
        return Outcome.FRESH;
    }

    synchronized int size() {
        return expiryByKey.size();
    }

    private void sweep(long nowSeconds) {
        for (Iterator<Long> it = expiryByKey.values().iterator(); it.hasNext(); ) {
            if (it.next() < nowSeconds) it.remove();
        }
    }
}
