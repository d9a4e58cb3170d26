package io.veil.sandbox.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.sandbox.ResultTable;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputEnforcerTest {
    private static EnforcementSpec spec(int k, int maxRows) {
        return new EnforcementSpec(1, k, true, maxRows, null, false,
                List.of(EnforcementSpec.Output.plain("region"), EnforcementSpec.Output.plain("n")),
                List.of(new EnforcementSpec.EntityCount("__veil_k_0", false, 0)), List.of("__veil_k_0"), null);
    }

    @Test
    void dropsRowsBelowKAndRemovesHiddenColumns() {
        ResultTable raw = new ResultTable(List.of("region", "n", "__veil_k_0"), List.of("VARCHAR", "BIGINT", "BIGINT"),
                List.of(List.of("north", 40L, 20L), List.of("south", 9L, 3L), List.of("west", 12L, BigInteger.valueOf(5))));
        OutputEnforcer.EnforcedResult r = OutputEnforcer.enforce(raw, spec(5, 10).toJson());
        assertThat(r.table().columns()).containsExactly("region", "n");
        assertThat(r.table().rows()).containsExactly(List.of("north", 40L), List.of("west", 12L));
        assertThat(r.rowsSuppressed()).isEqualTo(1);
        assertThat(r.truncated()).isFalse();
    }

    @Test
    void refusesAResultWhoseLayoutDoesNotMatchTheSpecWithoutQuotingIt() {
        ResultTable raw = new ResultTable(List.of("region", "n"), List.of("VARCHAR", "BIGINT"),
                List.of(List.of("secret-region", 1L)));
        assertThatThrownBy(() -> OutputEnforcer.enforce(raw, spec(5, 10).toJson()))
                .isInstanceOf(IllegalStateException.class).hasMessageNotContaining("secret-region");
    }

    @Test
    void refusesASpecWithUnknownFields() {
        ObjectNode json = (ObjectNode) spec(5, 10).toJson();
        json.put("skipThreshold", true);
        assertThatThrownBy(() -> EnforcementSpec.fromJson(json)).isInstanceOf(IllegalArgumentException.class);
    }
}
