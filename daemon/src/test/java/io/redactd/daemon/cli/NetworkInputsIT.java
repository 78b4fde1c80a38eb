package io.redactd.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.redactd.daemon.tls.ExternalProcess;
import io.redactd.daemon.tls.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two network examples run as given ({@code redactd run --config config-examples/...}) with real clients:
 * syslog over TLS from openssl s_client and Splunk HEC over HTTPS from curl, PHI in the text, in RFC 5424 structured
 * data and in HEC indexed fields; the output file holds only redacted events and the daemon's log no PHI.
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
}
