package io.redactd.daemon.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.daemon.config.ComponentContext;
import io.redactd.daemon.input.http.HttpInput;
import io.redactd.daemon.input.http.HttpInputConfig;
import io.redactd.daemon.input.http.TokenConfig;
import io.redactd.daemon.input.syslog.SyslogInput;
import io.redactd.daemon.input.syslog.SyslogInputConfig;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code sslscan} of a syslog (RSA certificate) and an HTTP (ECDSA certificate) listener: only the policy shows, with
 * either TLS engine.
 */
class TlsScanTest {
    private static final Set<String> ALLOWED_TLS12 = Set.of(
            "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305",
            "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305");
    private static final Set<String> ALLOWED_TLS13 = Set.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"OPENSSL", "JDK"})
    void everyListenerOffersOnlyTls12And13WithAeadEcdheSuites(TlsEngine engine, @TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(Files.createDirectories(dir.resolve("pki")));
        TestPki.Issued rsa = pki.server("rsa");
        TestPki.Issued ec = pki.serverPkcs8Ec("ec");
        Vertx vertx = Vertx.vertx();
        RecordingSink sink = new RecordingSink();
        SyslogInput syslog = new SyslogInput(new SyslogInputConfig("127.0.0.1:0",
                TlsConfig.of(rsa.cert().toString(), rsa.key().toString()).withEngine(engine), false, false, null, null, null, null, null,
                null, null, null), new ComponentContext("scan-syslog", vertx, sink, dir, new SimpleMeterRegistry()));
        HttpInput http = new HttpInput(new HttpInputConfig("127.0.0.1:0",
                TlsConfig.of(ec.cert().toString(), ec.key().toString()).withEngine(engine), false,
                List.of(new TokenConfig("scan", "0".repeat(64), null, null, null)), null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null), new ComponentContext("scan-http", vertx, sink, dir,
                new SimpleMeterRegistry()));
        try {
            syslog.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            http.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            for (int port : List.of(syslog.port(), http.port())) {
                ExternalProcess.Result scan = ExternalProcess.run(List.of("sslscan", "--no-colour", "--no-heartbleed",
                        "--no-renegotiation", "--no-compression", "--no-groups", "--no-check-certificate",
                        "127.0.0.1:" + port), null, 120);
                String out = scan.stdout();
                assertThat(out).containsPattern("TLSv1\\.0\\s+disabled").containsPattern("TLSv1\\.1\\s+disabled")
                        .containsPattern("SSLv3\\s+disabled").containsPattern("TLSv1\\.2\\s+enabled")
                        .containsPattern("TLSv1\\.3\\s+enabled");
                List<String> suites = new ArrayList<>();
                for (String line : out.split("\n")) {
                    String[] cols = line.trim().split("\\s+");
                    if (cols.length >= 5 && (cols[0].equals("Accepted") || cols[0].equals("Preferred"))) {
                        suites.add(cols[1] + " " + cols[4]);
                        Set<String> allowed = cols[1].equals("TLSv1.3") ? ALLOWED_TLS13 : ALLOWED_TLS12;
                        assertThat(cols[1]).as(line).isIn("TLSv1.2", "TLSv1.3");
                        assertThat(allowed).as(line).contains(cols[4]);
                    }
                }
                assertThat(suites).as(out).anyMatch(s -> s.startsWith("TLSv1.2")).anyMatch(s -> s.startsWith("TLSv1.3"));
            }
        } finally {
            syslog.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            http.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
