package io.redactd.outputs.splunk;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.delivery.BatchConfig;
import io.redactd.outputs.delivery.RetryConfig;
import io.redactd.outputs.delivery.TlsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.redactd.outputs.splunk.SplunkHecOutputTest.TOKEN;
import static io.redactd.outputs.AsyncAssertions.await;
import static io.redactd.outputs.splunk.SplunkHecOutputTest.docs;
import static io.redactd.outputs.AsyncAssertions.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

/** HTTPS to a collector whose certificates openssl generates: a private CA, a right and a wrong server name. */
class HecTlsTest {
    @TempDir
    static Path certs;
    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();

    @BeforeAll
    static void generateCertificates() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=redactd test CA");
        serverCertificate("good", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        serverCertificate("wrong", "subjectAltName=DNS:other.example");
    }

    private static void serverCertificate(String name, String san) throws Exception {
        Files.writeString(certs.resolve(name + ".ext"), san + "\n");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).directory(certs.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("openssl %s: %s", args[0], output).isZero();
    }

    @AfterEach
    void close() {
        vertx.close();
    }

    private HecReceiver receiver(String certificate) throws Exception {
        return new HecReceiver(vertx, TOKEN, false, new HttpServerOptions().setSsl(true).setKeyCertOptions(
                new PemKeyCertOptions().setKeyPath(certs.resolve(certificate + ".key").toString())
                        .setCertPath(certs.resolve(certificate + ".pem").toString())));
    }

    private SplunkHecOutput output(int port, boolean verifyHostname) throws Exception {
        return output(port, new TlsConfig(certs.resolve("ca.pem").toString(), verifyHostname));
    }

    private SplunkHecOutput output(int port, TlsConfig tls) throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, TOKEN);
        SplunkHecOutputConfig config = new SplunkHecOutputConfig("https://localhost:" + port, token.toString(), "main",
                null, null, "ward-7", true, null, null, tls,
                new BatchConfig(100, null, 100L), new RetryConfig(3, 5L, 50L), dir.resolve("dead.ndjson").toString(),
                null, null);
        assertThat(config.validate()).isEmpty();
        SplunkHecOutput output = new SplunkHecOutput("hec", config, vertx, new SimpleMeterRegistry());
        await(output.start());
        return output;
    }

    @Test
    void privateCaAndMatchingNameConnect() throws Exception {
        try (HecReceiver receiver = receiver("good")) {
            SplunkHecOutput output = output(receiver.port(), true);
            await(output.write(new EventBatch(docs(3))));
            assertThat(receiver.indexed).hasSize(3);
        }
    }

    @Test
    void certificateForAnotherHostIsRefusedAndNothingIsSent() throws Exception {
        try (HecReceiver receiver = receiver("wrong")) {
            SplunkHecOutput output = output(receiver.port(), true);
            output.write(new EventBatch(docs(3)));
            waitFor("handshake failures to be retried", () -> output.metrics().retriedCount() >= 6);
            assertThat(receiver.requests).hasValue(0);
            assertThat(output.ready()).isFalse();
            assertThat(output.notReadyReason()).contains("the server certificate does not name the endpoint's host");
            await(output.stop());
        }
    }

    @Test
    void withoutACaFileTheJvmTrustStoreIsUsedAndAnUntrustedServerIsNamedSo() throws Exception {
        // No tls.ca_file: the documented default, the JVM's trust store. Starting used to fail with an NPE (bb7 D7);
        // the JVM does not trust the test CA, so the handshake must fail, and say why.
        try (HecReceiver receiver = receiver("good")) {
            SplunkHecOutput output = output(receiver.port(), TlsConfig.DEFAULT);
            output.write(new EventBatch(docs(2)));
            waitFor("the handshake failure to be named", () -> String.valueOf(output.notReadyReason())
                    .contains("TLS handshake failed: server certificate not trusted"));
            assertThat(output.ready()).isFalse();
            assertThat(output.metrics().retriedCount()).isPositive();
            assertThat(receiver.requests).hasValue(0);
            await(output.stop());
        }
    }

    @Test
    void hostnameVerificationCanBeTurnedOffExplicitly() throws Exception {
        try (HecReceiver receiver = receiver("wrong")) {
            SplunkHecOutput output = output(receiver.port(), false);
            await(output.write(new EventBatch(List.of(SplunkHecOutputTest.doc(1)))));
            assertThat(receiver.indexed).hasSize(1);
        }
    }
}
