package io.redactd.daemon.alert;

import io.redactd.daemon.tls.TestPki;
import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.redactd.daemon.alert.AlertHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

/** HTTPS webhooks against a receiver with a certificate made by openssl: trusted via tls.ca_file, refused without. */
class AlertTlsTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void httpsTargetTrustsItsCaFileAndAnUntrustedServerCountsAsFailure(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(Files.createDirectories(dir.resolve("pki")));
        TestPki.Issued cert = pki.serverPkcs8Ec("hook");
        HttpServerOptions https = new HttpServerOptions().setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.cert().toString()).setKeyPath(cert.key().toString()));
        try (WebhookReceiver rx = new WebhookReceiver(vertx, https)) {
            String yaml = """
                    alerts:
                      enabled: true
                      targets:
                        - {type: webhook, id: trusted, url: "%s", tls: {ca_file: "%s"}}
                        - {type: webhook, id: untrusted, url: "%s", retry_initial: 50ms}
                    """.formatted(rx.url("/trusted"), pki.ca(), rx.url("/untrusted"));
            try (AlertHarness h = new AlertHarness(vertx, DetectionPlan.compile(DetectionSettings.defaults()), dir, yaml, Map.of())) {
                await(h.submit("app", "/var/log/a.log", 0, List.of("patient ssn 123-45-6789")));
                assertThat(rx.await("/trusted", 1, r -> true, Duration.ofSeconds(10)).get(0).json().get("kind").asText())
                        .isEqualTo("leak");
                AlertHarness.pollUntil("a failed TLS handshake", Duration.ofSeconds(10),
                        () -> h.counter("redactd.alert.delivery.failures", "target", "untrusted") >= 1);
                assertThat(rx.requests.stream().filter(r -> r.path().equals("/untrusted")).toList()).isEmpty();
                assertThat(h.alerts.degraded()).anyMatch(d -> d.startsWith("alert target untrusted failing"));
                assertThat(h.counter("redactd.alert.delivery.failures", "target", "trusted")).isZero();
            }
        }
    }
}
