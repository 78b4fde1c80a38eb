package io.redactd.packaging.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import io.redactd.packaging.Command;
import io.redactd.packaging.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hardened unit in systemd/, judged by systemd's own analyzer and by the JVM it has to run. */
class SystemdUnitTest {

    private static final Path UNIT = Command.repo().resolve("systemd/redactd.service");
    private static final Path PORT_DROP_IN = Command.repo().resolve("systemd/examples/bind-privileged-port.conf");

    @TempDir
    Path dir;

    @Test
    void overallExposureIsAtMostTwo() {
        SecurityReport report = SecurityReport.of(UNIT);
        assertThat(report.exposure()).as(report.text()).isLessThanOrEqualTo(2.0);
        // What stays exposed is what a network daemon running a JVM needs, nothing else.
        assertThat(report.failedChecks()).as(report.text()).isSubsetOf(
                "RootDirectory=/RootImage=", "SupplementaryGroups=", "MemoryDenyWriteExecute=",
                "RestrictAddressFamilies=~AF_UNIX", "RestrictAddressFamilies=~AF_(INET|INET6)",
                "PrivateNetwork=", "PrivateUsers=", "DeviceAllow=", "IPAddressDeny=");
    }

    @Test
    void privilegedPortDropInAddsNetBindServiceAndNothingElse() throws IOException {
        // Installed the way an operator does: the unit plus redactd.service.d/ beside it, which
        // systemd-analyze reads like systemd does.
        Path unitCopy = Files.copy(UNIT, dir.resolve("redactd.service"));
        Path dropIns = Files.createDirectories(dir.resolve("redactd.service.d"));
        Files.copy(PORT_DROP_IN, dropIns.resolve("bind-privileged-port.conf"));

        // A drop-in's settings apply after the unit's, as if appended.
        Path merged = dir.resolve("merged.service");
        Files.writeString(merged, Files.readString(UNIT) + "\n" + Files.readString(PORT_DROP_IN));
        UnitFile unit = UnitFile.read(merged);
        assertThat(unit.get("Service.CapabilityBoundingSet")).isEqualTo("CAP_NET_BIND_SERVICE");
        assertThat(unit.get("Service.AmbientCapabilities")).isEqualTo("CAP_NET_BIND_SERVICE");

        SecurityReport base = SecurityReport.of(UNIT);
        SecurityReport withPort = SecurityReport.of(unitCopy);
        Set<String> added = new TreeSet<>(withPort.failedChecks());
        added.removeAll(base.failedChecks());
        assertThat(added).containsExactlyInAnyOrder(
                "AmbientCapabilities=", "CapabilityBoundingSet=~CAP_NET_(BIND_SERVICE|BROADCAST|RAW)");
        assertThat(withPort.failedChecks()).containsAll(base.failedChecks());
        assertThat(withPort.exposure()).isLessThanOrEqualTo(2.0);
    }

    @Test
    void runsAsANotifyServiceWithStateOnlyWritable() throws IOException {
        UnitFile unit = UnitFile.read(UNIT);
        assertThat(unit.get("Service.Type")).isEqualTo("notify");
        assertThat(unit.get("Service.NotifyAccess")).isEqualTo("main");
        assertThat(unit.get("Service.ExecStart")).isEqualTo("/usr/bin/redactd run --config /etc/redactd/redactd.yaml");
        assertThat(unit.get("Service.ExecReload")).isEqualTo("/bin/kill -HUP $MAINPID");
        assertThat(unit.get("Service.WatchdogSec")).isNotBlank();
        assertThat(unit.get("Service.Restart")).isEqualTo("on-failure");
        assertThat(unit.get("Service.User")).isEqualTo("redactd");
        assertThat(unit.get("Service.SupplementaryGroups")).isEqualTo("adm");
        assertThat(unit.get("Service.StateDirectory")).isEqualTo("redactd");
        assertThat(unit.get("Service.ConfigurationDirectory")).isEqualTo("redactd");
        assertThat(unit.get("Service.UMask")).isEqualTo("0077");
        assertThat(unit.all("Service.ReadWritePaths")).containsExactly("/var/lib/redactd");
        assertThat(unit.get("Service.ProtectSystem")).isEqualTo("strict");
        assertThat(unit.get("Service.CapabilityBoundingSet")).isEmpty();
        assertThat(unit.get("Service.AmbientCapabilities")).isEmpty();
        assertThat(unit.get("Service.RestrictAddressFamilies")).isEqualTo("AF_UNIX AF_INET AF_INET6");
        assertThat(unit.all("Service.SystemCallFilter")).containsExactly("@system-service", "~@privileged @resources");
        assertThat(unit.get("Service.SystemCallArchitectures")).isEqualTo("native");
        assertThat(unit.get("Service.ProtectProc")).isEqualTo("invisible");
        assertThat(unit.get("Service.ProcSubset")).isEqualTo("pid");
        for (String flag : new String[] {"NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices",
                "ProtectKernelTunables", "ProtectKernelModules", "ProtectKernelLogs", "ProtectClock",
                "ProtectHostname", "ProtectControlGroups", "RestrictNamespaces", "RestrictRealtime",
                "RestrictSUIDSGID", "LockPersonality"}) {
            assertThat(unit.get("Service." + flag)).as(flag).isEqualTo("yes");
        }
        // Off on purpose: see memoryDenyWriteExecuteWouldStopTheJvm.
        assertThat(unit.get("Service.MemoryDenyWriteExecute")).isEqualTo("no");
    }

    /** The JVM runs inside the unit's system call filter, user and /proc restrictions, which do take effect. */
    @Test
    void jvmRunsInsideTheUnitsSandboxAndTheSandboxBites() throws IOException {
        UnitFile unit = UnitFile.read(UNIT);
        Duration limit = Duration.ofSeconds(60);
        Sandbox sandbox = Sandbox.of(unit.all("Service.SystemCallFilter"));

        Command.Result id = Command.run(limit, sandbox.wrap("id", "-u")).requireSuccess();
        assertThat(id.stdout().strip()).isEqualTo(Integer.toString(Sandbox.UID));
        Command.Result caps = Command.run(limit, sandbox.wrap("grep", "-E", "^(CapEff|CapBnd|NoNewPrivs)", "/proc/self/status"))
                .requireSuccess();
        assertThat(caps.stdout()).contains("CapEff:\t0000000000000000", "CapBnd:\t0000000000000000", "NoNewPrivs:\t1");

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Command.Result jvm = Command.run(limit, sandbox.wrap(java, "-version"));
        assertThat(jvm.exit()).as(jvm.stderr()).isZero();

        // Negative control: the same filter minus file-system calls stops even /bin/true, so the filter is live.
        List<String> tighter = new ArrayList<>(unit.all("Service.SystemCallFilter"));
        tighter.add("~@file-system");
        Sandbox strict = Sandbox.of(tighter);
        assertThat(Command.run(limit, strict.wrap("/bin/true")).exit()).isNotZero();
    }

    /**
     * Why the unit leaves MemoryDenyWriteExecute= off: HotSpot cannot start under it, not even
     * interpreted. If a future JVM can, this fails and the unit should turn it on.
     */
    @Test
    void memoryDenyWriteExecuteWouldStopTheJvm() throws IOException {
        Path helper = dir.resolve("mdwe_exec.py");
        try (InputStream in = getClass().getResourceAsStream("mdwe_exec.py")) {
            Files.copy(in, helper);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Duration limit = Duration.ofSeconds(60);

        // Controls: the JVM starts normally, and an ordinary program runs under the policy.
        assertThat(Command.run(limit, java, "-version").exit()).isZero();
        Command.Result plain = Command.run(limit, "python3", helper.toString(), "/bin/true");
        assertThat(plain.exit()).as("MDWE harness (needs Linux 6.3+): " + plain.stderr()).isZero();

        for (String mode : new String[] {"-Xmixed", "-Xint"}) {
            Command.Result jvm = Command.run(limit, "python3", helper.toString(), java, mode, "-version");
            assertThat(jvm.exit()).as("java " + mode + " under MDWE").isNotZero();
            assertThat(jvm.stdout() + jvm.stderr()).contains("Failed to mark memory page as executable");
        }
    }
}
