package io.redactd.daemon.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The daemon as ops run it: {@code java -jar redactd.jar run --config ...}, probed with curl, stopped by SIGTERM. */
class DaemonIT {
    private static final Pattern ADMIN = Pattern.compile("admin=127\\.0\\.0\\.1:(\\d+)");

    private static void poll(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for " + what).isLessThan(deadline);
            Thread.sleep(50); // polling interval of a condition with a deadline
        }
    }

    /** curl -s -w '\n%{http_code}': body, then the status on the last line. */
    private static String[] curl(int port, String path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("curl", "-s", "-m", "5", "-w", "\n%{http_code}", "http://127.0.0.1:" + port + path)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        int nl = out.lastIndexOf('\n');
        return new String[] {out.substring(0, nl), out.substring(nl + 1)};
    }

    private static double metric(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return -1;
    }

    @Test
    void readyzSaysWhyAnOutputIsNotReady(@TempDir Path dir) throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path cfg = dir.resolve("redactd.yaml");
        Files.writeString(cfg, """
                inputs:
                  - id: in
                    type: stdin
                outputs:
                  - id: es
                    type: elasticsearch
                    endpoint: http://127.0.0.1:%d
                    template: {install: true}
                    dead_letter_path: %s
                state_dir: %s
                admin:
                  listen: 127.0.0.1:0
                """.formatted(closedPort, dir.resolve("dl.ndjson"), dir.resolve("state")));
        Process p = RedactdProcess.builder("run", "--config", cfg.toString()).start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RedactdProcess.drain(p.getErrorStream(), err);
        RedactdProcess.drain(p.getInputStream(), OutputStream.nullOutputStream());
        try {
            poll("the start line", Duration.ofSeconds(30), () -> ADMIN.matcher(err.toString(StandardCharsets.UTF_8)).find());
            Matcher m = ADMIN.matcher(err.toString(StandardCharsets.UTF_8));
            assertThat(m.find()).isTrue();
            String[] ready = curl(Integer.parseInt(m.group(1)), "/readyz");
            // The node is down: /readyz names the output and why, not just "output es" (bb7 D12).
            assertThat(ready[1]).isEqualTo("503");
            assertThat(ready[0]).contains("output es (index template not installed: cannot connect (connection refused"
                    + " or unreachable) (since ");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void runsServesAdminEndpointsAndDrainsOnSigterm(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out").resolve("events.ndjson");
        Path cfg = dir.resolve("redactd.yaml");
        Files.writeString(cfg, """
                inputs:
                  - id: in
                    type: stdin
                outputs:
                  - id: ndjson
                    type: file
                    path: ${OUT}
                state_dir: %s
                admin:
                  listen: 127.0.0.1:0
                """.formatted(dir.resolve("state")));
        ProcessBuilder pb = RedactdProcess.builder("run", "--config", cfg.toString());
        pb.environment().put("OUT", out.toString());
        Process p = pb.start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = RedactdProcess.drain(p.getErrorStream(), err);
        RedactdProcess.drain(p.getInputStream(), OutputStream.nullOutputStream());
        try {
            poll("the start line", Duration.ofSeconds(30), () -> ADMIN.matcher(err.toString(StandardCharsets.UTF_8)).find());
            String startLog = err.toString(StandardCharsets.UTF_8);
            Matcher m = ADMIN.matcher(startLog);
            assertThat(m.find()).isTrue();
            int port = Integer.parseInt(m.group(1));
            assertThat(startLog).containsPattern("redactd started engine=(hyperscan|portable) workers=\\d+ inputs=\\[in:stdin] outputs=\\[ndjson:file]");

            assertThat(curl(port, "/healthz")).containsExactly("ok\n", "200");
            assertThat(curl(port, "/readyz")).containsExactly("ready\n", "200");
            // A second daemon on the same state_dir would interleave its checkpoints, buffer and chain with ours.
            ProcessBuilder second = RedactdProcess.builder("run", "--config", cfg.toString());
            second.environment().put("OUT", dir.resolve("second.ndjson").toString());
            second.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p2 = second.start();
            String secondOut = new String(p2.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)
                    + new String(p2.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p2.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p2.exitValue()).as(secondOut).isEqualTo(1);
            assertThat(secondOut).contains("is in use by another redactd (pid " + p.pid() + ")");
            assertThat(curl(port, "/healthz")).containsExactly("ok\n", "200");

            int lines = 3000;
            try (OutputStream stdin = p.getOutputStream()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= lines; i++) {
                    sb.append("event ").append(i).append(i % 3 == 0 ? " patient ssn 123-45-6789 mail a.b@x.org" : " ok").append('\n');
                }
                stdin.write(sb.toString().getBytes(StandardCharsets.UTF_8));
                stdin.flush();
                poll("all lines to be read and detected", Duration.ofSeconds(30), () -> {
                    try {
                        String now = curl(port, "/metrics")[0];
                        // The output's counter appears with its first delivery, which can come after detection.
                        return metric(now, "redactd_input_events_total{input=\"in\"}") == lines
                                && metric(now, "redactd_findings_total{type=\"SSN\"}") == lines / 3
                                && now.contains("redactd_output_events_total{output=\"ndjson\"}");
                    } catch (IOException e) {
                        return false;
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                String metrics = curl(port, "/metrics")[0];
                assertThat(metric(metrics, "redactd_findings_total{type=\"EMAIL\"}")).isEqualTo(lines / 3);
                assertThat(metrics).contains("redactd_detection_seconds_bucket").contains("redactd_pipeline_batches_in_flight")
                        .contains("redactd_output_events_total{output=\"ndjson\"}")
                        .contains("jvm_memory_used_bytes{area=\"heap\"");
                // name[] selects families, by their exposed or registered name; nothing else is collected.
                String one = curl(port, "/metrics?name%5B%5D=redactd_output_events_total&name%5B%5D=redactd_findings")[0];
                assertThat(metric(one, "redactd_output_events_total{output=\"ndjson\"}")).isPositive();
                assertThat(metric(one, "redactd_findings_total{type=\"SSN\"}")).isEqualTo(lines / 3);
                assertThat(one).doesNotContain("jvm_memory_used_bytes").doesNotContain("redactd_detection_seconds");

                // SIGTERM while stdin is still open: the daemon must drain and exit 0 on its own.
                // kill(1) rather than Process.destroy(), which would also close our ends of its pipes.
                long t0 = System.nanoTime();
                assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor()).isZero();
                assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("exited within 10 s").isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            }
            errReader.join(5000);
            assertThat(p.exitValue()).as(err.toString(StandardCharsets.UTF_8)).isZero();
            List<String> docs = Files.readAllLines(out);
            assertThat(docs).hasSize(lines);
            assertThat(docs.get(2)).contains("\"message\":\"event 3 patient ssn [REDACTED:SSN] mail [REDACTED:EMAIL]\"")
                    .contains("\"redactd\":{\"findings\":{\"EMAIL\":1,\"SSN\":1}}").startsWith("{\"@timestamp\":\"");
            assertThat(String.join("\n", docs)).doesNotContain("123-45-6789").doesNotContain("a.b@x.org");
            String log = err.toString(StandardCharsets.UTF_8);
            assertThat(log).contains("redactd stopped").doesNotContain("123-45-6789").doesNotContain("a.b@x.org")
                    .doesNotContain("event 3");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void invalidConfigRefusesToStartWithExit2(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("bad.yaml");
        Files.writeString(cfg, "inputs:\n  - type: stdin\noutputs:\n  - type: file\nstate_dir: " + dir + "\n");
        RedactdProcess.Result r = RedactdProcess.run("run", "--config", cfg.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("outputs[0].path: no output file given (line 4)");
    }

    @Test
    void unusableStateDirIsAClearStartFailureWithExit1(@TempDir Path dir) throws Exception {
        Path notADir = dir.resolve("plain-file");
        Files.writeString(notADir, "");
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, "inputs: [{type: stdin}]\noutputs: [{type: stdout}]\nadmin: {enabled: false}\nstate_dir: "
                + notADir.resolve("state") + "\n");
        RedactdProcess.Result r = RedactdProcess.run("run", "--config", cfg.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).contains("redactd: cannot start: state_dir " + notADir.resolve("state")
                + " is not a writable directory: FileSystemException");
    }

    @Test
    void startedWithSighupIgnoredItWarnsThatReloadIsUnavailable(@TempDir Path dir) throws Exception {
        Path cfg = Files.writeString(dir.resolve("c.yaml"), "inputs: [{type: stdin}]\noutputs: [{type: stdout}]\n"
                + "admin: {enabled: false}\nstate_dir: " + dir.resolve("state") + "\n");
        // As nohup starts it: SIGHUP ignored before the JVM starts, which then cannot install a handler for it.
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "trap '' HUP; exec \"$@\"", "sh"));
        cmd.addAll(RedactdProcess.builder("run", "--config", cfg.toString()).command());
        Process daemon = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = RedactdProcess.drain(daemon.getErrorStream(), err);
            poll("the warning", Duration.ofSeconds(30),
                    () -> err.toString(StandardCharsets.UTF_8).contains("SIGHUP was ignored when redactd started"));
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("reload is unavailable");
            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(daemon.pid())).start().waitFor()).isZero();
            assertThat(daemon.waitFor(20, TimeUnit.SECONDS)).isTrue();
            errReader.join(5000);
            assertThat(daemon.exitValue()).as(err.toString(StandardCharsets.UTF_8)).isZero();
        } finally {
            daemon.destroyForcibly();
        }
    }

    @Test
    void underSystemdItNotifiesReadyFeedsTheWatchdogAndReloadsDetectorsOnSighup(@TempDir Path dir) throws Exception {
        Path receiverScript = dir.resolve("notify_receiver.py");
        try (var in = getClass().getResourceAsStream("/io/redactd/daemon/systemd/notify_receiver.py")) {
            Files.copy(in, receiverScript);
        }
        Path socket = dir.resolve("notify.sock");
        Process receiver = new ProcessBuilder("python3", receiverScript.toString(), socket.toString(), "1000")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Path cfg = dir.resolve("c.yaml");
        String base = "inputs: [{type: stdin}]\noutputs: [{type: stdout}]\nadmin: {enabled: false}\nstate_dir: "
                + dir.resolve("state") + "\n";
        // Starts with e-mail detection off; the reload below turns it on.
        Files.writeString(cfg, base + "detectors: {disable: [EMAIL]}\n");
        Process daemon = null;
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(receiver.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("bound");
            ProcessBuilder pb = RedactdProcess.builder("run", "--config", cfg.toString());
            pb.environment().put("NOTIFY_SOCKET", socket.toString());
            pb.environment().put("WATCHDOG_USEC", "400000");
            daemon = pb.start();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = RedactdProcess.drain(daemon.getErrorStream(), err);
            String pid = Long.toString(daemon.pid());
            assertThat(lines.readLine()).isEqualTo(pid + " READY=1");
            assertThat(lines.readLine()).isEqualTo(pid + " WATCHDOG=1");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread outReader = RedactdProcess.drain(daemon.getInputStream(), out);
            var stdin = daemon.getOutputStream();
            stdin.write("before reload mail a.b@x.org\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            poll("the first event", Duration.ofSeconds(20), () -> out.toString(StandardCharsets.UTF_8).contains("before reload"));
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("a.b@x.org");

            // systemctl reload: the new detectors apply to what is read next; nothing is dropped or re-read.
            Files.writeString(cfg, base);
            assertThat(new ProcessBuilder("kill", "-HUP", pid).start().waitFor()).isZero();
            List<String> notices = new ArrayList<>();
            // Bounded by notices, and so by time: the watchdog sends one every 200 ms, so 150 are 30 s (40, i.e. 8 s,
            // ran out once under the full suite's load).
            for (int i = 0; i < 150 && notices.stream().noneMatch(l -> l.endsWith("READY=1")); i++) {
                notices.add(lines.readLine());
            }
            assertThat(notices).anyMatch(l -> l.contains("RELOADING=1")).anyMatch(l -> l.equals(pid + " READY=1"));
            assertThat(daemon.isAlive()).as("SIGHUP must not stop the daemon").isTrue();
            assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("SIGHUP was ignored");
            poll("the reload log line", Duration.ofSeconds(20),
                    () -> err.toString(StandardCharsets.UTF_8).contains("detectors reloaded"));
            stdin.write("after reload mail c.d@x.org\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            poll("the second event", Duration.ofSeconds(20), () -> out.toString(StandardCharsets.UTF_8).contains("after reload"));
            assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("c.d@x.org").contains("after reload mail [REDACTED:EMAIL]");

            // A broken config on reload is refused as a whole; the daemon keeps running on the last good one.
            Files.writeString(cfg, base + "detectors: {colour: blue}\n");
            assertThat(new ProcessBuilder("kill", "-HUP", pid).start().waitFor()).isZero();
            poll("the refusal", Duration.ofSeconds(20),
                    () -> err.toString(StandardCharsets.UTF_8).contains("reload refused"));
            assertThat(daemon.isAlive()).isTrue();

            assertThat(new ProcessBuilder("kill", "-TERM", pid).start().waitFor()).isZero();
            assertThat(daemon.waitFor(10, TimeUnit.SECONDS)).isTrue();
            errReader.join(5000);
            outReader.join(5000);
            assertThat(daemon.exitValue()).as(err.toString(StandardCharsets.UTF_8)).isZero();
        } finally {
            receiver.destroyForcibly();
            if (daemon != null) {
                daemon.destroyForcibly();
            }
        }
    }
}

