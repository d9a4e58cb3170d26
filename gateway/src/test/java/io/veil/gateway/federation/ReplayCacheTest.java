package io.veil.gateway.federation;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayCacheTest {

    @Test
    void secondUseOfANonceIsAReplayWhileItIsLive() {
        ReplayCache c = new ReplayCache(10);
        assertThat(c.admit("z", "n1", 160, 100)).isEqualTo(ReplayCache.Outcome.FRESH);
        assertThat(c.admit("z", "n1", 160, 150)).isEqualTo(ReplayCache.Outcome.REPLAYED);
        assertThat(c.admit("other-zone", "n1", 160, 150)).as("nonces are per zone").isEqualTo(ReplayCache.Outcome.FRESH);
    }

    @Test
    void refusesNewNoncesWhenFullOfLiveOnesInsteadOfForgetting() {
        ReplayCache c = new ReplayCache(2);
        assertThat(c.admit("z", "a", 160, 100)).isEqualTo(ReplayCache.Outcome.FRESH);
        assertThat(c.admit("z", "b", 160, 100)).isEqualTo(ReplayCache.Outcome.FRESH);
        assertThat(c.admit("z", "c", 160, 101)).isEqualTo(ReplayCache.Outcome.FULL);
        assertThat(c.admit("z", "a", 160, 101)).as("a remembered nonce is still a replay").isEqualTo(ReplayCache.Outcome.REPLAYED);
    }

    @Test
    void expiredNoncesMakeRoom() {
        ReplayCache c = new ReplayCache(2);
        c.admit("z", "a", 110, 100);
        c.admit("z", "b", 110, 100);
        assertThat(c.admit("z", "c", 200, 111)).isEqualTo(ReplayCache.Outcome.FRESH);
        assertThat(c.size()).isEqualTo(1);
    }
}
