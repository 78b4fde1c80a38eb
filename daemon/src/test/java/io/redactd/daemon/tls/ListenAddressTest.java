package io.redactd.daemon.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ListenAddressTest {
    @Test
    void parsesHostPortAndBracketedIpv6() {
        assertThat(ListenAddress.parse("0.0.0.0:6514", "k")).isEqualTo(new ListenAddress("0.0.0.0", 6514));
        assertThat(ListenAddress.parse("[::1]:8088", "k")).isEqualTo(new ListenAddress("::1", 8088));
        assertThat(new ListenAddress("::1", 8088)).hasToString("[::1]:8088");
    }

    @Test
    void errorsNameTheKey() {
        assertThatThrownBy(() -> ListenAddress.parse("6514", "inputs[s].listen"))
                .hasMessage("inputs[s].listen: expected host:port, got '6514'");
        assertThatThrownBy(() -> ListenAddress.parse("h:99999", "inputs[s].listen"))
                .hasMessage("inputs[s].listen: port must be 0..65535, got 99999");
        assertThatThrownBy(() -> ListenAddress.parse("h:x", "inputs[s].listen"))
                .hasMessage("inputs[s].listen: port is not a number in 'h:x'");
    }
}
