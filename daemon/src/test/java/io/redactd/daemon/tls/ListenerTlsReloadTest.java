package io.redactd.daemon.tls;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGHUP (a publish on {@link ListenerTls#RELOAD_ADDRESS}) makes a listener serve a replaced certificate at once, well
 * before its periodic check (an hour here), and keeps the connection that was open.
 */
class ListenerTlsReloadTest {
    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    @AfterEach
    void close() throws Exception {
        await(vertx.close());
    }

    @Test
    void aReloadRequestServesTheReplacedCertificateWithoutWaitingForThePeriodicCheck(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(Files.createDirectories(dir.resolve("pki")));
        TestPki.Issued first = pki.serverPkcs8Ec("first");
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        Files.copy(first.cert(), cert);
        Files.copy(first.key(), key);
        TlsConfig config = new TlsConfig(cert.toString(), key.toString(), null, ClientAuthMode.NONE, List.of(), 3600);
        ListenerTls tls = await(ListenerTls.load(vertx, config, "test", 10_000, metrics));
        NetServerOptions options = new NetServerOptions().setHost("127.0.0.1").setPort(0);
        tls.configure(options);
        NetServer server = vertx.createNetServer(options).connectHandler(socket -> { });
        await(server.listen());
        tls.watch(server::updateSSLOptions);

        try (SSLSocket before = pki.connect(server.actualPort())) {
            assertThat(TestPki.serial(before)).isEqualTo(TestPki.serial(first.cert()));

            TestPki.Issued next = pki.serverPkcs8Ec("next");
            Files.copy(next.key(), key, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(next.cert(), cert, StandardCopyOption.REPLACE_EXISTING);
            vertx.eventBus().publish(ListenerTls.RELOAD_ADDRESS, null);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (metrics.get("redactd.tls.reloads").counter().count() < 1) {
                assertThat(System.nanoTime()).as("no reload within 10 s of the request").isLessThan(deadline);
                Thread.sleep(5); // polling interval of a condition with a deadline
            }
            try (SSLSocket after = pki.connect(server.actualPort())) {
                assertThat(TestPki.serial(after)).isEqualTo(TestPki.serial(next.cert()));
            }
            assertThat(before.isClosed()).isFalse();
            assertThat(TestPki.serial(before)).as("the open connection keeps its session").isEqualTo(TestPki.serial(first.cert()));
        } finally {
            tls.close();
            await(server.close());
        }
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
}
