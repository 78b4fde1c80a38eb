package io.redactd.daemon.input.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redactd.outputs.ConfigProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessControlTest {
    private static final String ALPHA = "alpha-token-000000000001";
    private static final String BETA = "beta-token-0000000000002";

    @Test
    void tokensBindToTheirSourceAndOutputs(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("beta");
        Files.writeString(secret, BETA + "\n");
        TokenAuthenticator auth = TokenAuthenticator.load(List.of(
                new TokenConfig("alpha", HexFormat.of().formatHex(TokenAuthenticator.sha256(ALPHA)).toUpperCase(), null, null, null),
                new TokenConfig("beta", null, secret.toString(), null, List.of("es")),
                new TokenConfig("gamma", null, null, "gamma-token-from-env-03", null)), "inputs[h]");
        assertThat(auth.authenticate(ALPHA)).get().isEqualTo(new TokenAuthenticator.Grant("alpha", List.of()));
        assertThat(auth.authenticate(BETA)).get().isEqualTo(new TokenAuthenticator.Grant("beta", List.of("es")));
        assertThat(auth.authenticate("gamma-token-from-env-03")).get().extracting(TokenAuthenticator.Grant::source).isEqualTo("gamma");
        assertThat(auth.authenticate(ALPHA + " ")).isEmpty();
        assertThat(auth.authenticate("")).isEmpty();
    }

    @Test
    void tokenProblemsNameTheEntryAndNeverTheToken(@TempDir Path dir) throws Exception {
        Path shortSecret = dir.resolve("short");
        Files.writeString(shortSecret, "abc");
        assertThatThrownBy(() -> TokenAuthenticator.load(List.of(new TokenConfig("s", null, shortSecret.toString(), null, null)), "inputs[h]"))
                .hasMessage("inputs[h].tokens[0].file: " + shortSecret + " holds a token shorter than 16 characters");
        assertThatThrownBy(() -> TokenAuthenticator.load(List.of(new TokenConfig("s", null, dir.resolve("missing").toString(), null, null)), "inputs[h]"))
                .hasMessageStartingWith("inputs[h].tokens[0].file: cannot read");
        assertThat(new TokenConfig("s", "abc", null, null, null).validate("t")).containsExactly(
                ConfigProblem.of("t.sha256", "expected 64 hex digits (sha256sum of the token), got 3 characters"));
        assertThat(new TokenConfig(null, null, null, "secret-value-123456789", null).toString()).doesNotContain("secret-value");
    }

    @Test
    void failedAuthenticationsDrainAPerPeerBucket() {
        AuthFailureLimiter limiter = new AuthFailureLimiter(2, 6); // one more try every 10 s after the burst
        long t = 1_000_000_000L;
        assertThat(limiter.retryAfterSeconds("10.0.0.1", t)).isZero();
        limiter.recordFailure("10.0.0.1", t);
        assertThat(limiter.retryAfterSeconds("10.0.0.1", t)).isZero();
        limiter.recordFailure("10.0.0.1", t);
        assertThat(limiter.retryAfterSeconds("10.0.0.1", t)).isEqualTo(10);
        assertThat(limiter.retryAfterSeconds("10.0.0.2", t)).as("other peers unaffected").isZero();
        assertThat(limiter.retryAfterSeconds("10.0.0.1", t + 4_000_000_000L)).isEqualTo(6);
        assertThat(limiter.retryAfterSeconds("10.0.0.1", t + 10_000_000_000L)).isZero();
    }
}
