package io.redactd.daemon.alert;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.daemon.config.AlertsConfig;
import io.redactd.daemon.tls.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.redactd.daemon.alert.AlertHarness.await;
import static io.redactd.daemon.alert.AlertHarness.pollUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Delivery to targets that fail: what the daemon log says (never the URL's secret path or query), how a slow target
 * is kept from delaying its own later alerts and every other target's, 3xx answers, and what is left at shutdown.
 */
class AlertDeliveryTest {
    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A TCP server that accepts connections and never answers (a hanging webhook). */
    private static final class Hanging implements AutoCloseable {
        final List<Long> accepted = new CopyOnWriteArrayList<>();
        final List<NetSocket> sockets = new CopyOnWriteArrayList<>();
        final NetServer server;
        final int port;

        Hanging(Vertx vertx, boolean reset) throws Exception {
            server = vertx.createNetServer().connectHandler(s -> {
                accepted.add(System.nanoTime());
                if (reset) {
                    s.close(); // the request is read by nobody: the client sees the connection closed
                } else {
                    sockets.add(s);
                    s.handler(b -> { });
                }
            });
            port = await(server.listen(0, "127.0.0.1")).actualPort();
        }

        @Override
        public void close() throws Exception {
            await(server.close());
        }
    }

    private AlertManager manager(String alertsYaml) {
        AlertsConfig config = AlertHarness.alertsConfig(alertsYaml, Map.of());
        return new AlertManager(vertx, config, "test-host", AlertManager.targets(vertx, config, Map.of()), null, registry);
    }

    private static Alert alert() {
        TreeMap<String, Long> counts = new TreeMap<>(Map.of("SSN", 1L));
        return new Alert(UUID.randomUUID().toString(), Instant.now(), Alert.Kind.LEAK, "test-host", Severity.ERROR,
                new AlertSource("app", "/var/log/app.log", null, null), counts, 1, null, List.of("ssn.formatted"),
                "patient ssn [REDACTED:SSN]", List.of(), null, null, "PHI leak: SSN in /var/log/app.log", 1);
    }

    private double counter(String name, String target) {
        var c = registry.find(name).tag("target", target).counter();
        return c == null ? 0 : c.count();
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void deliveryErrorsLogTheHostAndPortButNeverTheUrlsPathOrQuery() throws Exception {
        int closed = closedPort();
        try (Hanging hanging = new Hanging(vertx, false); Hanging resetting = new Hanging(vertx, true);
             LogCapture log = new LogCapture()) {
            AlertManager alerts = manager("""
                    alerts:
                      enabled: true
                      targets:
                        - {type: slack, id: refused, url: "http://127.0.0.1:%d/services/T0000/B0000/SLACKPATHSECRET", insecure: true, retry_initial: 20ms}
                        - {type: webhook, id: hangs, url: "http://127.0.0.1:%d/hook?token=QUERYTOKENSECRET", insecure: true, timeout: 200ms, retry_initial: 20ms}
                        - {type: webhook, id: resets, url: "http://user:USERINFOSECRET@127.0.0.1:%d/x/PATHSECRET?k=RESETQUERYSECRET", insecure: true, retry_initial: 20ms}
                    """.formatted(closed, hanging.port, resetting.port));
            alerts.raise(alert());
            pollUntil("two failed attempts per target", Duration.ofSeconds(10), () ->
                    counter("redactd.alert.delivery.failures", "refused") >= 2
                            && counter("redactd.alert.delivery.failures", "hangs") >= 2
                            && counter("redactd.alert.delivery.failures", "resets") >= 2);
            await(alerts.close());
            String text = log.text();
            assertThat(text).contains("alert target=refused delivery of alert id=")
                    .contains("connection refused (127.0.0.1:" + closed + ")")
                    .contains("no answer within 200 ms from 127.0.0.1:" + hanging.port)
                    .contains("(127.0.0.1:" + resetting.port + ")");
            for (String secret : List.of("SLACKPATHSECRET", "T0000", "QUERYTOKENSECRET", "token=", "/hook",
                    "USERINFOSECRET", "PATHSECRET", "RESETQUERYSECRET", "/services")) {
                assertThat(text).as("the daemon log must not name the url's " + secret).doesNotContain(secret);
            }
        }
    }

    @Test
    void aHangingTargetDelaysNeitherItsOtherAlertsNorOtherTargets() throws Exception {
        try (Hanging hanging = new Hanging(vertx, false); WebhookReceiver healthy = new WebhookReceiver(vertx)) {
            // A long timeout: serial delivery would not even try the second alert within it.
            AlertManager alerts = manager("""
                    alerts:
                      enabled: true
                      targets:
                        - {type: webhook, id: hangs, url: "http://127.0.0.1:%d/hook", insecure: true, timeout: 30s}
                        - {type: webhook, id: ok, url: "%s", insecure: true}
                    """.formatted(hanging.port, healthy.url("/ok")));
            long raised = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                alerts.raise(alert());
            }
            List<WebhookReceiver.Request> got = healthy.await("/ok", 3, r -> true, Duration.ofSeconds(5));
            for (WebhookReceiver.Request r : got) {
                assertThat(Duration.ofNanos(r.receivedNanos() - raised)).as("healthy target latency")
                        .isLessThan(Duration.ofSeconds(1));
            }
            // All three are attempted at once on the hanging target (up to max_in_flight, default 4), not one per
            // 30 s timeout.
            pollUntil("three attempts on the hanging target", Duration.ofSeconds(5), () -> hanging.accepted.size() >= 3);
            assertThat(Duration.ofNanos(hanging.accepted.get(2) - raised)).isLessThan(Duration.ofSeconds(2));
            await(alerts.close());
        }
    }

    @Test
    void maxInFlightBoundsConcurrentAttempts() throws Exception {
        try (Hanging hanging = new Hanging(vertx, false); WebhookReceiver healthy = new WebhookReceiver(vertx)) {
            AlertManager alerts = manager("""
                    alerts:
                      enabled: true
                      targets:
                        - {type: webhook, id: hangs, url: "http://127.0.0.1:%d/hook", insecure: true, timeout: 30s, max_in_flight: 2}
                        - {type: webhook, id: ok, url: "%s", insecure: true}
                    """.formatted(hanging.port, healthy.url("/ok")));
            for (int i = 0; i < 5; i++) {
                alerts.raise(alert());
            }
            pollUntil("two attempts", Duration.ofSeconds(5), () -> hanging.accepted.size() >= 2);
            // A later alert's whole round trip to the healthy target: every attempt the lane started before it (on
            // the same loopback) has connected by then. The other three wait for a free slot.
            alerts.raise(alert());
            healthy.await("/ok", 6, r -> true, Duration.ofSeconds(5));
            assertThat(hanging.accepted).hasSize(2);
            await(alerts.close());
            assertThat(counter("redactd.alert.delivery.undelivered", "hangs")).isEqualTo(6);
        }
    }

    @Test
    void aRedirectIsAPermanentFailureCountedAndLoggedWithStatusAndHostOnly() throws Exception {
        try (WebhookReceiver rx = new WebhookReceiver(vertx); LogCapture log = new LogCapture()) {
            rx.status.set(307);
            AlertManager alerts = manager("""
                    alerts:
                      enabled: true
                      targets:
                        - {type: webhook, id: moved, url: "%s", insecure: true, retry_initial: 10ms}
                    """.formatted(rx.url("/hook?token=REDIRECTSECRET")));
            Alert a = alert();
            alerts.raise(a);
            pollUntil("the alert given up on", Duration.ofSeconds(5),
                    () -> counter("redactd.alert.delivery.dropped", "moved") >= 1);
            assertThat(counter("redactd.alert.delivery.failures", "moved")).isEqualTo(1);
            assertThat(rx.requests).hasSize(1);
            assertThat(log.text()).contains("alert target=moved rejected alert id=" + a.id()
                            + " permanently: HTTP 307 from localhost:" + rx.port)
                    .doesNotContain("REDIRECTSECRET");
            await(alerts.stop());
            await(alerts.close());
            assertThat(counter("redactd.alert.delivery.undelivered", "moved")).isZero();
        }
    }

    @Test
    void alertsLeftAtShutdownAreLoggedAsACountPerTargetAndCounted() throws Exception {
        try (Hanging hanging = new Hanging(vertx, false); WebhookReceiver healthy = new WebhookReceiver(vertx);
             LogCapture log = new LogCapture()) {
            AlertManager alerts = manager("""
                    alerts:
                      enabled: true
                      targets:
                        - {type: webhook, id: hangs, url: "http://127.0.0.1:%d/hook", insecure: true, timeout: 30s}
                        - {type: webhook, id: ok, url: "%s", insecure: true}
                    """.formatted(hanging.port, healthy.url("/ok")));
            for (int i = 0; i < 6; i++) {
                alerts.raise(alert());
            }
            pollUntil("six alerts delivered to the healthy target", Duration.ofSeconds(5),
                    () -> counter("redactd.alerts.sent", "ok") >= 6);
            pollUntil("attempts in flight", Duration.ofSeconds(5), () -> hanging.accepted.size() >= 4);
            await(alerts.close());
            assertThat(counter("redactd.alert.delivery.undelivered", "hangs")).isEqualTo(6);
            assertThat(counter("redactd.alert.delivery.undelivered", "ok")).isZero();
            assertThat(log.text()).contains("alert target=hangs: 6 alert(s) not delivered before shutdown")
                    .doesNotContain("alert target=ok: ");
        }
    }
}
