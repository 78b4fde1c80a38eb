package io.redactd.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.redactd.daemon.tls.ExternalProcess;
import io.redactd.daemon.tls.TestPki;
import io.redactd.outputs.splunk.HecReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network examples run as given ({@code redactd run --config config-examples/...}) with real clients:
 * syslog over TLS from openssl s_client and Splunk HEC over HTTPS from curl, PHI in the text, in RFC 5424 structured
 * data and in HEC indexed fields; the output (a file, or a HEC receiver that follows Splunk's documented protocol,
 * indexer acknowledgement included) holds only redacted events and the daemon's log no PHI.
 */
class NetworkInputsIT {
    private static final Path EXAMPLES = Path.of(System.getProperty("redactd.root", ".."), "config-examples");
    private static final String SSN = "123-45-6789"; // 219-09-9999 and 078-05-1120 are advertising SSNs the catalog rightly ignores

    private static void poll(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for " + what).isLessThan(deadline);
            Thread.sleep(50); // polling interval of a condition with a deadline
        }
    }

    private record Daemon(Process process, ByteArrayOutputStream log) {
        int port(Pattern pattern) throws InterruptedException {
            poll("the line " + pattern, Duration.ofSeconds(60), () -> pattern.matcher(text()).find());
            Matcher m = pattern.matcher(text());
            assertThat(m.find()).isTrue();
            return Integer.parseInt(m.group(1));
        }

        String text() {
            return log.toString(StandardCharsets.UTF_8);
        }

        void stop() throws Exception {
            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor()).isZero();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
            assertThat(process.exitValue()).as(text()).isZero();
        }
    }

    private static Daemon start(String example, Map<String, String> env) {
        ProcessBuilder pb = RedactdProcess.builder("run", "--config", EXAMPLES.resolve(example).toString());
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            RedactdProcess.drain(p.getErrorStream(), log);
            RedactdProcess.drain(p.getInputStream(), OutputStream.nullOutputStream());
            return new Daemon(p, log);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> env(Path dir, TestPki.Issued cert, String name) {
        return Map.of("REDACTD_TLS_CERT", cert.cert().toString(), "REDACTD_TLS_KEY", cert.key().toString(),
                "REDACTD_OUTPUT", dir.resolve(name + ".ndjson").toString(),
                "REDACTD_STATE", dir.resolve(name + "-state").toString(), "REDACTD_ADMIN_PORT", "0",
                "REDACTD_SYSLOG_PORT", "0", "REDACTD_HTTP_PORT", "0", "REDACTD_HTTP_TOKEN", "it-token-5e0c7a1b9d3f");
    }

    private static List<String> output(Path file, int count) throws InterruptedException {
        poll(count + " events in " + file.getFileName(), Duration.ofSeconds(30), () -> {
            try {
                return Files.exists(file) && Files.readAllLines(file).size() >= count;
            } catch (IOException e) {
                return false;
            }
        });
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void syslogTlsExampleRedactsTextAndStructuredData(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(Files.createDirectories(dir.resolve("pki")));
        TestPki.Issued cert = pki.serverPkcs8Ec("server");
        Daemon daemon = start("syslog-tls-to-file.yaml", env(dir, cert, "syslog"));
        try {
            int port = daemon.port(Pattern.compile("syslog input 'syslog-tls' listening on 0\\.0\\.0\\.0:(\\d+) \\(TLS\\)"));
            String message = "<86>1 2026-03-10T11:00:00Z ehr-01 adt 77 A01 [patient ssn=\"" + SSN + "\"] admitted, SSN "
                    + SSN;
            ExternalProcess.Result sent = ExternalProcess.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                    "-CAfile", pki.ca().toString(), "-verify_return_error", "-brief", "-no_ign_eof"),
                    (message.getBytes(StandardCharsets.UTF_8).length + " " + message).getBytes(StandardCharsets.UTF_8), 20);
            assertThat(sent.stderr()).contains("CONNECTION ESTABLISHED");
            List<String> docs = output(dir.resolve("syslog.ndjson"), 1);
            assertThat(docs.get(0)).contains("[REDACTED:SSN]").contains("ehr-01").contains("adt").doesNotContain(SSN);
            JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(docs.get(0));
            assertThat(doc.at("/message").asText()).isEqualTo("admitted, SSN [REDACTED:SSN]");
            assertThat(doc.at("/log/syslog/structured_data/patient/ssn").asText()).isEqualTo("[REDACTED:SSN]");
        } finally {
            daemon.stop();
        }
        assertThat(daemon.text()).doesNotContain(SSN);
    }

    @Test
    void httpExampleAcceptsHecAndNdjsonAndRedactsFields(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(Files.createDirectories(dir.resolve("pki")));
        TestPki.Issued cert = pki.serverPkcs8Ec("server");
        Daemon daemon = start("http-to-file.yaml", env(dir, cert, "http"));
        try {
            int port = daemon.port(Pattern.compile("http input 'http' listening on 0\\.0\\.0\\.0:(\\d+) \\(HTTPS\\)"));
            String base = "https://localhost:" + port;
            ExternalProcess.Result hec = ExternalProcess.run(List.of("curl", "-sS", "--cacert", pki.ca().toString(),
                    "-H", "Authorization: Splunk it-token-5e0c7a1b9d3f", "--data-binary",
                    "{\"event\":\"visit ssn " + SSN + "\",\"fields\":{\"member_ssn\":\"" + SSN + "\"}}"
                            + "{\"event\":{\"note\":\"ssn " + SSN + "\"}}",
                    base + "/services/collector/event"), null, 30);
            assertThat(hec.stdout()).isEqualTo("{\"text\":\"Success\",\"code\":0}");
            ExternalProcess.Result bad = ExternalProcess.run(List.of("curl", "-sS", "--cacert", pki.ca().toString(),
                    "-H", "Authorization: Bearer wrong-token-000000000", "--data-binary", "x", base + "/v1/logs"), null, 30);
            assertThat(bad.stdout()).contains("invalid_token");
            List<String> docs = output(dir.resolve("http.ndjson"), 2);
            assertThat(String.join("\n", docs)).doesNotContain(SSN).contains("[REDACTED:SSN]").contains("app-logs");
        } finally {
            daemon.stop();
        }
        assertThat(daemon.text()).doesNotContain(SSN).doesNotContain("wrong-token");
    }

    private static final String HEC_TOKEN = "hec-out-token-7d1e0c55";

    /** A Splunk HEC over HTTPS (certificate for localhost from {@code pki}) with indexer acknowledgement on. */
    private static HecReceiver splunk(Vertx vertx, TestPki pki) throws Exception {
        TestPki.Issued cert = pki.serverPkcs8Ec("splunk");
        return new HecReceiver(vertx, HEC_TOKEN, true, new HttpServerOptions().setSsl(true).setKeyCertOptions(
                new PemKeyCertOptions().setKeyPath(cert.key().toString()).setCertPath(cert.cert().toString())));
    }

    private static Map<String, String> splunkEnv(Path dir, TestPki pki, TestPki.Issued cert, HecReceiver splunk,
                                                 String name) throws IOException {
        Path tokenFile = dir.resolve("hec-token");
        Files.writeString(tokenFile, HEC_TOKEN + "\n");
        Map<String, String> env = new HashMap<>(env(dir, cert, name));
        env.put("REDACTD_HEC_URL", "https://localhost:" + splunk.port());
        env.put("REDACTD_HEC_TOKEN_FILE", tokenFile.toString());
        env.put("REDACTD_HEC_CA", pki.ca().toString());
        return env;
    }

    /** Waits until Splunk has indexed {@code count} events: with acknowledgement on, that is after an ack poll. */
    private static List<JsonNode> indexed(HecReceiver splunk, int count) throws InterruptedException {
        poll(count + " events indexed by the HEC receiver", Duration.ofSeconds(60), () -> splunk.indexed.size() >= count);
        return List.copyOf(splunk.indexed);
    }

    @Test
    void syslogTlsToSplunkExampleDeliversRedactedEventsWithIndexerAcknowledgement(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(Files.createDirectories(dir.resolve("pki")));
        TestPki.Issued cert = pki.serverPkcs8Ec("server");
        Vertx vertx = Vertx.vertx();
        try (HecReceiver splunk = splunk(vertx, pki)) {
            Daemon daemon = start("syslog-tls-to-splunk.yaml", splunkEnv(dir, pki, cert, splunk, "splunk"));
            try {
                int port = daemon.port(Pattern.compile("syslog input 'syslog' listening on 0\\.0\\.0\\.0:(\\d+) \\(TLS\\)"));
                StringBuilder frames = new StringBuilder();
                for (int i = 0; i < 3; i++) {
                    String m = "<86>1 2026-03-10T11:00:0" + i + "Z ehr-01 adt 77 A01 [patient ssn=\"" + SSN
                            + "\"] admitted " + i + ", SSN " + SSN;
                    frames.append(m.getBytes(StandardCharsets.UTF_8).length).append(' ').append(m);
                }
                ExternalProcess.Result sent = ExternalProcess.run(List.of("openssl", "s_client", "-connect",
                        "127.0.0.1:" + port, "-CAfile", pki.ca().toString(), "-verify_return_error", "-brief",
                        "-no_ign_eof"), frames.toString().getBytes(StandardCharsets.UTF_8), 20);
                assertThat(sent.stderr()).contains("CONNECTION ESTABLISHED");

                List<JsonNode> events = indexed(splunk, 3);
                assertThat(events).hasSize(3);
                for (JsonNode e : events) {
                    assertThat(e.get("index").asText()).isEqualTo("main");
                    assertThat(e.get("source").asText()).isEqualTo("redactd");
                    assertThat(e.get("sourcetype").asText()).isEqualTo("_json");
                    assertThat(e.get("time").isNumber()).isTrue();
                    assertThat(e.at("/event/message").asText()).startsWith("admitted ").endsWith(", SSN [REDACTED:SSN]");
                    assertThat(e.at("/event/log/syslog/structured_data/patient/ssn").asText()).isEqualTo("[REDACTED:SSN]");
                    assertThat(e.at("/event/log/syslog/hostname").asText()).isEqualTo("ehr-01");
                }
                assertThat(splunk.ackRequests).as("events were released only after an ack poll").isNotEmpty();
                assertThat(splunk.headers.get(0).get("X-Splunk-Request-Channel")).isNotBlank();
                assertThat(splunk.headers.get(0).get("Content-Encoding")).isEqualTo("gzip");
                for (byte[] body : splunk.bodies) {
                    assertThat(new String(body, StandardCharsets.UTF_8)).doesNotContain(SSN);
                }
            } finally {
                daemon.stop();
            }
            assertThat(daemon.text()).doesNotContain(SSN).doesNotContain(HEC_TOKEN);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void hecProxyExampleForwardsRedactedEventsToSplunk(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(Files.createDirectories(dir.resolve("pki")));
        TestPki.Issued cert = pki.serverPkcs8Ec("server");
        String ingestToken = "billing-app-token-0f3a9c2e";
        Vertx vertx = Vertx.vertx();
        try (HecReceiver splunk = splunk(vertx, pki)) {
            Map<String, String> env = splunkEnv(dir, pki, cert, splunk, "proxy");
            env.put("REDACTD_INGEST_TOKEN_SHA256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(ingestToken.getBytes(StandardCharsets.UTF_8))));
            Daemon daemon = start("hec-proxy-to-splunk.yaml", env);
            try {
                int port = daemon.port(Pattern.compile("http input 'hec' listening on 0\\.0\\.0\\.0:(\\d+) \\(HTTPS\\)"));
                String url = "https://localhost:" + port + "/services/collector/event";
                ExternalProcess.Result ok = ExternalProcess.run(List.of("curl", "-sS", "--cacert", pki.ca().toString(),
                        "-H", "Authorization: Splunk " + ingestToken, "--data-binary",
                        "{\"event\":\"invoice for ssn " + SSN + "\",\"host\":\"billing-7\"}"
                                + "{\"event\":{\"note\":\"card holder ssn " + SSN + "\"}}", url), null, 30);
                assertThat(ok.stdout()).isEqualTo("{\"text\":\"Success\",\"code\":0}");
                ExternalProcess.Result bad = ExternalProcess.run(List.of("curl", "-sS", "-o", "/dev/null", "-w",
                        "%{http_code}", "--cacert", pki.ca().toString(), "-H", "Authorization: Splunk not-the-token-123",
                        "--data-binary", "{\"event\":\"x\"}", url), null, 30);
                assertThat(bad.stdout()).isEqualTo("403");

                List<JsonNode> events = indexed(splunk, 2);
                assertThat(events).hasSize(2);
                String all = events.toString();
                assertThat(all).doesNotContain(SSN).contains("invoice for ssn [REDACTED:SSN]")
                        .contains("card holder ssn [REDACTED:SSN]").contains("billing-app");
                assertThat(splunk.ackRequests).isNotEmpty();
            } finally {
                daemon.stop();
            }
            assertThat(daemon.text()).doesNotContain(SSN).doesNotContain(ingestToken).doesNotContain(HEC_TOKEN);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
