package io.redactd.daemon.alert;

import io.redactd.daemon.tls.TestPki;
import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.redactd.daemon.alert.AlertHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Syslog targets over UDP (one datagram per alert) and TLS (octet-counted frames), to real sockets. */
class SyslogTargetTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void udpAndTlsReceiversGetRfc5424Messages(@TempDir Path dir) throws Exception {
        List<String> datagrams = new CopyOnWriteArrayList<>();
        DatagramSocket udp = vertx.createDatagramSocket();
        udp.handler(p -> datagrams.add(p.data().toString(StandardCharsets.UTF_8)));
        int udpPort = await(udp.listen(0, "127.0.0.1")).localAddress().port();

        TestPki pki = new TestPki(Files.createDirectories(dir.resolve("pki")));
        TestPki.Issued cert = pki.serverPkcs8Ec("syslog");
        StringBuffer tls = new StringBuffer();
        NetServer server = vertx.createNetServer(new NetServerOptions().setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.cert().toString()).setKeyPath(cert.key().toString())))
                .connectHandler(s -> s.handler(b -> tls.append(b.toString(StandardCharsets.UTF_8))));
        int tlsPort = await(server.listen(0, "127.0.0.1")).actualPort();
        String yaml = """
                alerts:
                  enabled: true
                  targets:
                    - {type: syslog, id: udp, host: 127.0.0.1, port: %d, protocol: udp}
                    - {type: syslog, id: tls, host: localhost, port: %d, protocol: tls, tls: {ca_file: "%s"}}
                """.formatted(udpPort, tlsPort, pki.ca());
        try (AlertHarness h = new AlertHarness(vertx, DetectionPlan.compile(DetectionSettings.defaults()), dir, yaml, Map.of())) {
            await(h.submit("app", "/var/log/a.log", 0, List.of("patient ssn 123-45-6789")));
            AlertHarness.pollUntil("a datagram and a TLS frame", Duration.ofSeconds(10),
                    () -> !datagrams.isEmpty() && tls.indexOf("}") > 0);
            assertThat(datagrams.get(0)).matches("<\\d+>1 \\S+ test-host redactd - PHI_LEAK \\[redactd@32473 [^]]*] \\{.*}");
            String frame = tls.toString();
            int sp = frame.indexOf(' ');
            assertThat(Integer.parseInt(frame.substring(0, sp)))
                    .isEqualTo(frame.substring(sp + 1).getBytes(StandardCharsets.UTF_8).length);
            // local4 (20) * 8 + error (3): the default severity
            assertThat(frame.substring(sp + 1)).startsWith("<163>1 ").contains("\"kind\":\"leak\"");
            assertThat(datagrams.get(0) + frame).doesNotContain("123-45-6789").doesNotContain("123456789");
        } finally {
            await(server.close());
            await(udp.close());
        }
    }
}
