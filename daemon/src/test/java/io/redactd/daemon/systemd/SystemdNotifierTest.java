package io.redactd.daemon.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sends real datagrams to a real AF_UNIX socket bound by a python3 receiver that reads SO_PASSCRED like systemd. */
class SystemdNotifierTest {

    private static final long OWN_PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @Test
    void sendsEachStateToAPathSocketFromTheMainPid() throws Exception {
        String socket = dir.resolve("notify").toString();
        List<String> received = exchange(socket, 5, notifier -> {
            assertThat(notifier.ready()).isTrue();
            assertThat(notifier.watchdog()).isTrue();
            assertThat(notifier.reloading()).isTrue();
            assertThat(notifier.status("3 inputs, 2 outputs")).isTrue();
            assertThat(notifier.stopping()).isTrue();
        });

        assertThat(received).hasSize(5);
        // The sender is this very process, so systemd's default NotifyAccess=main accepts it.
        assertThat(received).allSatisfy(line -> assertThat(line).startsWith(OWN_PID + " "));
        assertThat(received.get(0)).endsWith(" READY=1");
        assertThat(received.get(1)).endsWith(" WATCHDOG=1");
        assertThat(received.get(2)).matches("\\d+ RELOADING=1\\|MONOTONIC_USEC=\\d+");
        assertThat(received.get(3)).endsWith(" STATUS=3 inputs, 2 outputs");
        assertThat(received.get(4)).endsWith(" STOPPING=1");
    }

    @Test
    void reachesAnAbstractNamespaceSocket() throws Exception {
        String socket = "@redactd-test-" + OWN_PID + "-" + System.nanoTime();
        List<String> received = exchange(socket, 1, notifier -> assertThat(notifier.ready()).isTrue());
        assertThat(received).containsExactly(OWN_PID + " READY=1");
    }

    @Test
    void reportsButDoesNotThrowWhenNobodyListens() {
        Map<String, String> env = Map.of("NOTIFY_SOCKET", dir.resolve("absent").toString());
        try (SystemdNotifier notifier = SystemdNotifier.fromEnvironment(env, OWN_PID)) {
            assertThat(notifier.isEnabled()).isTrue();
            assertThat(notifier.ready()).isFalse();
        }
    }

    @Test
    void isANoOpOutsideSystemd() {
        try (SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of(), OWN_PID)) {
            assertThat(notifier.isEnabled()).isFalse();
            assertThat(notifier.ready()).isFalse();
            assertThat(notifier.watchdogInterval()).isEmpty();
        }
    }

    @Test
    void pingsAtHalfTheWatchdogTimeoutOnlyWhenTheWatchdogIsOurs() {
        String socket = dir.resolve("notify").toString();
        var ours = SystemdNotifier.fromEnvironment(
                Map.of("NOTIFY_SOCKET", socket, "WATCHDOG_USEC", "30000000", "WATCHDOG_PID", Long.toString(OWN_PID)),
                OWN_PID);
        var unspecifiedPid = SystemdNotifier.fromEnvironment(
                Map.of("NOTIFY_SOCKET", socket, "WATCHDOG_USEC", "10000000"), OWN_PID);
        var someoneElses = SystemdNotifier.fromEnvironment(
                Map.of("NOTIFY_SOCKET", socket, "WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "1"), OWN_PID);

        assertThat(ours.watchdogInterval()).contains(Duration.ofSeconds(15));
        assertThat(unspecifiedPid.watchdogInterval()).contains(Duration.ofSeconds(5));
        assertThat(someoneElses.watchdogInterval()).isEmpty();
    }

    @Test
    void rejectsMalformedEnvironmentWithTheVariableName() {
        assertThatThrownBy(() -> SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "run/notify"), OWN_PID))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NOTIFY_SOCKET");
        assertThatThrownBy(() -> SystemdNotifier.fromEnvironment(
                Map.of("NOTIFY_SOCKET", "/run/notify", "WATCHDOG_USEC", "soon"), OWN_PID))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("WATCHDOG_USEC");
        assertThatThrownBy(() -> SystemdNotifier.fromEnvironment(
                Map.of("NOTIFY_SOCKET", "/run/notify", "WATCHDOG_USEC", "1000", "WATCHDOG_PID", "-3"), OWN_PID))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("WATCHDOG_PID");
    }

    private interface Sends {
        void accept(SystemdNotifier notifier) throws Exception;
    }

    /** Starts the receiver, waits until it has bound, runs the sends, and returns what it printed. */
    private List<String> exchange(String socket, int count, Sends sends) throws Exception {
        Path script = dir.resolve("notify_receiver.py");
        try (InputStream in = getClass().getResourceAsStream("notify_receiver.py")) {
            Files.copy(in, script);
        }
        Process receiver = new ProcessBuilder("python3", script.toString(), socket, Integer.toString(count))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(receiver.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).as("receiver bound its socket").isEqualTo("bound");
            try (SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", socket), OWN_PID)) {
                sends.accept(notifier);
            }
            List<String> lines = new ArrayList<>();
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.add(line);
            }
            assertThat(receiver.waitFor(30, TimeUnit.SECONDS)).as("receiver exited").isTrue();
            assertThat(receiver.exitValue()).as("receiver exit code").isZero();
            return lines;
        } catch (IOException e) {
            throw new AssertionError("python3 receiver failed", e);
        } finally {
            receiver.destroyForcibly();
        }
    }
}
