package io.veil.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HexTest {
    @Test
    void encodesLowercaseAndRoundTrips() {
        byte[] bytes = {0, 1, (byte) 0xab, (byte) 0xff, 0x7f};
        assertThat(Hex.encode(bytes)).isEqualTo("0001abff7f");
        assertThat(Hex.decode("0001ABff7f")).isEqualTo(bytes);
        assertThat(Hex.decode("")).isEmpty();
    }

    @Test
    void rejectsOddLengthAndNonHexDigits() {
        assertThatThrownBy(() -> Hex.decode("abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hex.decode("zz")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hex.decode("\u0663\u0663")).isInstanceOf(IllegalArgumentException.class); // Arabic-Indic 3
    }
}
