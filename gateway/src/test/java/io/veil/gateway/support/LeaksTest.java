package io.veil.gateway.support;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeaksTest {
    @Test
    void findsARawValueAsAJsonNumberStringOrDecimal() {
        for (String text : new String[] {"{\"v\":71497}", "[\"71497\"]", "{\"avg\":71497.0}", "d0,71497\n"}) {
            assertThatThrownBy(() -> Leaks.assertNoToken(text, "71497")).isInstanceOf(AssertionError.class);
        }
        assertThatThrownBy(() -> Leaks.assertNoToken("{\"id\":\"PXab12N7\"}", "PXab12N7")).isInstanceOf(AssertionError.class);
    }

    @Test
    void doesNotFindItInsideADigestALongerNumberOrAnotherId() {
        Leaks.assertNoToken("{\"resultCommitment\":\"c37a714973e0542b\"}", "71497");
        Leaks.assertNoToken("{\"v\":714970,\"w\":0.71497}", "71497");
        Leaks.assertNoToken("{\"id\":\"PXab12N71\"}", "PXab12N7");
    }
}
