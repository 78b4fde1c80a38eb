package io.redactd.daemon.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar on a host where OpenSSL cannot load (simulated with Netty's own switch,
 * {@code -Dio.netty.handler.ssl.noOpenSsl=true}): {@code engine: openssl} is a config error naming the key, {@code auto}
 * falls back to the JDK engine, says so in its start-up line and serves TLS; without the switch {@code auto} runs
 * OpenSSL.
 */
class TlsEngineFallbackIT {
    private static final String NO_OPENSSL = "-Dio.netty.handler.ssl.noOpenSsl=true";
    private static final Pattern LISTENING = Pattern.compile("syslog input 'sys' listening on 127\\.0\\.0\\.1:(\\d+) \\(TLS\\)");

    private static Path config(Path dir, TestPki.Issued cert, String engine) throws IOException {
        Path file = dir.resolve("redactd-" + engine + ".yaml");
        Files.writeString(file, """
                state_dir: %s
                inputs:
                  - id: sys
                    type: syslog
                    listen: 127.0.0.1:0
                    tls: {cert: %s, key: %s, engine: %s}
                outputs:
                  - {id: out, type: file, path: %s}
                admin:
                  listen: 127.0.0.1:0
                """.formatted(dir.resolve("state-" + engine), cert.cert(), cert.key(), engine,
                dir.resolve("out-" + engine + ".ndjson")));
        return file;
    }

    private static ProcessBuilder redactd(String jvmFlag, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        if (jvmFlag != null) {
            cmd.add(jvmFlag);
        }
        cmd.addAll(List.of("-jar", Path.of(System.getProperty("redactd.jar", "target/redactd.jar")).toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true);
    }

    /** A running daemon whose merged stdout/stderr is collected for the assertions. */
    private record Daemon(Process process, ByteArrayOutputStream log) {
        static Daemon start(ProcessBuilder pb) throws IOException {
            Process p = pb.start();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            Thread t = new Thread(() -> {
                try (InputStream in = p.getInputStream()) {
                    in.transferTo(log); // ByteArrayOutputStream's write and toString are synchronized
                } catch (IOException e) {
                    // stream closed with the process
                }
            });
            t.setDaemon(true);
            t.start();
            return new Daemon(p, log);
        }

        String text() {
            return log.toString(StandardCharsets.UTF_8);
        }

        int port() {
            RecordingSink.await(() -> LISTENING.matcher(text()).find() || !process.isAlive(), Duration.ofSeconds(60),
                    "the daemon never listened");
            Matcher m = LISTENING.matcher(text());
            assertThat(m.find()).as(text()).isTrue();
            return Integer.parseInt(m.group(1));
        }

        void stop() throws Exception {
            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor()).isZero();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
            assertThat(process.exitValue()).as(text()).isZero();
        }
    }

    @Test
    void withoutOpensslAutoFallsBackToTheJdkAndOpensslIsAConfigError(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(Files.createDirectories(dir.resolve("pki")));
        TestPki.Issued cert = pki.serverPkcs8Ec("server");

        Process check = redactd(NO_OPENSSL, "check-config", config(dir, cert, "openssl").toString()).start();
        String checkOut = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(checkOut).isEqualTo(2);
        assertThat(checkOut).contains("inputs[0].tls.engine: openssl cannot be used on this host (")
                .contains("noOpenSsl");

        Daemon fallback = Daemon.start(redactd(NO_OPENSSL, "run", "--config", config(dir, cert, "auto").toString()));
        try {
            int port = fallback.port();
            assertThat(fallback.text()).contains("listener 'sys': TLS engine jdk (tls.engine auto: OpenSSL unavailable: ");
            String message = "<13>1 2026-03-10T11:00:00Z h app - - - served by the jdk engine";
            ExternalProcess.Result sent = ExternalProcess.run(List.of("openssl", "s_client", "-connect",
                    "127.0.0.1:" + port, "-CAfile", pki.ca().toString(), "-verify_return_error", "-brief",
                    "-no_ign_eof", "-tls1_2"), (message.getBytes(StandardCharsets.UTF_8).length + " " + message)
                    .getBytes(StandardCharsets.UTF_8), 20);
            assertThat(sent.stderr()).contains("Protocol version: TLSv1.2").containsPattern("Ciphersuite: ECDHE-ECDSA-");
            Path out = dir.resolve("out-auto.ndjson");
            RecordingSink.await(() -> read(out).contains("served by the jdk engine"), Duration.ofSeconds(30),
                    "the event never reached the output");
        } finally {
            fallback.stop();
        }

        Daemon native_ = Daemon.start(redactd(null, "run", "--config", config(dir, cert, "auto").toString()));
        try {
            native_.port();
            assertThat(native_.text()).containsPattern("listener 'sys': TLS engine openssl \\(BoringSSL");
        } finally {
            native_.stop();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
