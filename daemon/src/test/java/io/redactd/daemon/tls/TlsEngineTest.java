package io.redactd.daemon.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redactd.daemon.config.ComponentRegistry;
import io.redactd.daemon.config.ConfigLoader;
import io.redactd.daemon.config.Problem;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code tls.engine}: the key's values and errors, and what {@code auto} picks on the platforms the jar ships for. */
class TlsEngineTest {
    private static List<String> problems(String tls) {
        return new ConfigLoader(ComponentRegistry.builtIn(), Map.of()).load("""
                inputs:
                  - {id: sys, type: syslog, tls: %s}
                outputs:
                  - {id: out, type: file, path: /tmp/x.ndjson}
                """.formatted(tls)).problems().stream().map(Problem::toString).toList();
    }

    @Test
    void theKeyTakesAutoOpensslOrJdkAndDefaultsToAuto() {
        assertThat(problems("{cert: /c.pem, key: /k.pem, engine: fast}"))
                .anyMatch(p -> p.startsWith("inputs[0].tls.engine: expected auto, openssl or jdk"));
        for (String engine : List.of("auto", "openssl", "jdk")) {
            assertThat(problems("{cert: /c.pem, key: /k.pem, engine: " + engine + "}")).as(engine)
                    .noneMatch(p -> p.contains("engine"));
        }
        assertThat(TlsConfig.of("/c.pem", "/k.pem").engine()).isEqualTo(TlsEngine.AUTO);
        assertThat(TlsEngine.fromConfig("jdk")).isEqualTo(TlsEngine.JDK);
        assertThatThrownBy(() -> TlsEngine.fromConfig("OpenSSL")).hasMessageContaining("expected auto, openssl or jdk");
    }

    @Test
    void autoPicksOpensslWhereTheJarShipsBoringSsl() {
        String arch = System.getProperty("os.arch");
        boolean shipped = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                && List.of("amd64", "x86_64", "aarch64").contains(arch);
        // Where the jar ships BoringSSL (CI: Linux x86-64) it must load; elsewhere auto falls back (TlsEngineFallbackIT).
        org.junit.jupiter.api.Assumptions.assumeTrue(shipped, "BoringSSL is bundled for Linux x86-64/aarch64 only, not " + arch);
        assertThat(TlsEngine.openSslProblem()).isNull();
        assertThat(TlsEngine.AUTO.resolve()).isEqualTo(TlsEngine.OPENSSL);
        assertThat(TlsEngine.OPENSSL.resolve()).isEqualTo(TlsEngine.OPENSSL);
        assertThat(TlsEngine.JDK.resolve()).isEqualTo(TlsEngine.JDK);
        assertThat(TlsEngine.AUTO.describeResolved()).startsWith("openssl (BoringSSL");
        assertThat(TlsEngine.JDK.describeResolved()).isEqualTo("jdk");
    }
}
