package io.redactd.packaging.deb;

import static org.assertj.core.api.Assertions.assertThat;

import io.redactd.packaging.Command;
import io.redactd.packaging.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .deb that `package` built: lintian, its control data, and the tree it installs, unpacked into a scratch root. */
class DebianPackageIT {

    private static final Duration LIMIT = Duration.ofSeconds(90);
    private static final Path DEB = Path.of(System.getProperty("redactd.deb", "missing.deb"));
    private static final String PROJECT_VERSION = System.getProperty("redactd.version", "");

    @TempDir
    static Path root;

    @BeforeAll
    static void unpack() {
        assertThat(DEB).as("the .deb built by jdeb").isRegularFile();
        Command.run(LIMIT, "dpkg-deb", "-x", DEB.toString(), root.toString()).requireSuccess();
    }

    @Test
    void lintianReportsNoErrors() {
        Command.Result lintian = Command.run(Duration.ofSeconds(100), "lintian", "--tag-display-limit", "0", DEB.toString());
        List<String> errors = lintian.stdout().lines().filter(l -> l.startsWith("E:")).toList();
        assertThat(errors).as(lintian.stdout() + lintian.stderr()).isEmpty();
        // lintian exits 0 when it found no errors, 2 when it could not run at all.
        assertThat(lintian.exit()).as(lintian.stderr()).isZero();
    }

    @Test
    void controlDataNamesARuntimeTheUserScriptsAndTheConffile() throws IOException {
        Command.Result fields = Command.run(LIMIT, "dpkg-deb", "-f", DEB.toString(),
                "Package", "Version", "Architecture", "Depends").requireSuccess();
        String debVersion = PROJECT_VERSION.replace('-', '~');
        assertThat(fields.stdout()).contains(
                "Package: redactd",
                "Version: " + debVersion,
                "Architecture: amd64",
                "Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless, adduser");

        Path control = Files.createTempDirectory("control");
        Command.run(LIMIT, "dpkg-deb", "-e", DEB.toString(), control.toString()).requireSuccess();
        assertThat(Files.readAllLines(control.resolve("conffiles"))).containsExactly("/etc/redactd/redactd.yaml");
        for (String script : List.of("postinst", "prerm", "postrm")) {
            Path path = control.resolve(script);
            assertThat(mode(path)).as(script).isEqualTo("rwxr-xr-x");
            Command.run(LIMIT, "sh", "-n", path.toString()).requireSuccess();
        }
        String postinst = Files.readString(control.resolve("postinst"));
        assertThat(postinst).contains("adduser --quiet --system --group", "adduser --quiet redactd adm",
                "chown root:redactd /etc/redactd/redactd.yaml");
        assertThat(Files.readString(control.resolve("postrm"))).contains("\"purge\"", "rm -rf /var/lib/redactd");

        // The changelog's latest entry is this very version.
        try (InputStream changelog = new GZIPInputStream(
                Files.newInputStream(root.resolve("usr/share/doc/redactd/changelog.gz")))) {
            String first = new String(changelog.readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            assertThat(first).startsWith("redactd (" + debVersion + ") ");
        }
    }

    @Test
    void installsTheExpectedTreeWithTheExpectedModes() throws IOException {
        Map<String, String> expected = Map.of(
                "usr/share/redactd/redactd.jar", "rw-r--r--",
                "usr/bin/redactd", "rwxr-xr-x",
                "lib/systemd/system/redactd.service", "rw-r--r--",
                "etc/redactd/redactd.yaml", "rw-r--r--",
                "usr/share/doc/redactd/copyright", "rw-r--r--",
                "usr/share/doc/redactd/changelog.gz", "rw-r--r--",
                "usr/share/doc/redactd/deployment.md", "rw-r--r--",
                "usr/share/doc/redactd/examples/bind-privileged-port.conf", "rw-r--r--",
                "usr/share/man/man1/redactd.1.gz", "rw-r--r--");
        try (Stream<Path> files = Files.walk(root)) {
            List<String> shipped = files.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).toList();
            assertThat(shipped).containsExactlyInAnyOrderElementsOf(expected.keySet());
        }
        for (Map.Entry<String, String> file : expected.entrySet()) {
            assertThat(mode(root.resolve(file.getKey()))).as(file.getKey()).isEqualTo(file.getValue());
        }
        // Every entry is root's: dpkg-deb -c lists owner/group per entry.
        List<String> listing = Command.run(LIMIT, "dpkg-deb", "-c", DEB.toString()).requireSuccess()
                .stdout().lines().toList();
        assertThat(listing).isNotEmpty().allSatisfy(line -> assertThat(line.split("\\s+")[1]).isEqualTo("root/root"));

        assertThat(Files.mismatch(root.resolve("lib/systemd/system/redactd.service"),
                Command.repo().resolve("systemd/redactd.service"))).as("unit shipped as in systemd/").isEqualTo(-1L);
        assertThat(Files.mismatch(root.resolve("usr/share/redactd/redactd.jar"),
                Command.repo().resolve("daemon/target/redactd.jar"))).as("jar shipped as built").isEqualTo(-1L);
        String config = Files.readString(root.resolve("etc/redactd/redactd.yaml"));
        assertThat(config).contains("listen: 127.0.0.1:9780", "type: file", "/var/log/syslog",
                "state_dir: /var/lib/redactd", "path: /var/lib/redactd/");
    }

    /** The maintainer scripts for real: dpkg install, upgrade, remove and purge in a throwaway overlay of this system. */
    @Test
    void maintainerScriptsCreateTheUserKeepTheConfigAndPurgeTheState(@TempDir Path scratch) throws IOException {
        Path script = scratch.resolve("dpkg_overlay.sh");
        try (InputStream in = DebianPackageIT.class.getResourceAsStream("dpkg_overlay.sh")) {
            Files.copy(in, script);
        }
        Command.Result run = Command.run(Duration.ofSeconds(110), "unshare", "--mount", "--fork", "sh",
                script.toString(), DEB.toString(), Files.createDirectory(scratch.resolve("overlay")).toString());
        String out = run.stdout();
        assertThat(run.exit()).as(out + run.stderr()).isZero();
        assertThat(out.lines()).containsSubsequence(
                "== install",
                "user: redactd:/var/lib/redactd:/usr/sbin/nologin",
                "groups: redactd adm",
                "config: root:redactd 640",
                "enabled: enabled",
                "== upgrade",
                "config kept: # local edit",
                "config: root:redactd 640",
                "== remove",
                "state after remove: checkpoints",
                "config after remove: redactd.yaml",
                "binary after remove: gone",
                "== purge",
                "state after purge: gone",
                "config after purge: gone",
                "user after purge: redactd");
    }

    @Test
    void launcherRunsTheJarFromTheUnpackedRoot() {
        // The launcher finds the jar relative to itself, so the unpacked copy runs as installed.
        Command.Result version = Command.run(LIMIT, root.resolve("usr/bin/redactd").toString(), "version");
        assertThat(version.exit()).as(version.stdout() + version.stderr()).isZero();
        assertThat(version.stdout()).contains(PROJECT_VERSION);
    }

    /** `redactd version` inside the installed unit's sandbox: the JVM and Hyperscan's native library start. */
    @Test
    void versionRunsInsideTheUnitsSandbox() throws IOException {
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Sandbox sandbox = Sandbox.of(installedUnitFilter());
        Command.Result version = Command.run(LIMIT, sandbox.wrap(root.resolve("usr/bin/redactd").toString(), "version"));
        assertThat(version.exit()).as(version.stdout() + version.stderr()).isZero();
        assertThat(version.stdout()).contains(PROJECT_VERSION).contains("engine: portable").contains("hyperscan: available");
    }

    /**
     * The daemon itself inside the installed unit's sandbox: it starts, answers /healthz, and writes a
     * synthetic PHI line redacted, so the filter, the user and /proc restrictions leave it whole.
     */
    @Test
    void daemonRedactsInsideTheUnitsSandbox(@TempDir Path scratch) throws Exception {
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path work = Files.createDirectory(scratch.resolve("work"));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwxrwx")); // for the sandbox user
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path output = work.resolve("redacted.ndjson");
        Path config = work.resolve("redactd.yaml");
        Files.writeString(config, String.join("\n",
                "state_dir: " + work.resolve("state"),
                "inputs:",
                "  - id: in",
                "    type: stdin",
                "outputs:",
                "  - id: out",
                "    type: file",
                "    path: " + output,
                "admin:",
                "  listen: 127.0.0.1:" + port,
                ""));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));

        Sandbox sandbox = Sandbox.of(installedUnitFilter());
        Path log = scratch.resolve("daemon.log");
        Process daemon = new ProcessBuilder(sandbox.wrap(root.resolve("usr/bin/redactd").toString(),
                "run", "--config", config.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean stopped;
        try {
            // Synthetic values, valid by their rules: SSN area 536, a Luhn-valid test card number.
            daemon.getOutputStream().write("patient ssn 536-22-8174 card 4111111111111111\n".getBytes(StandardCharsets.UTF_8));
            daemon.getOutputStream().flush();

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                    .timeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            boolean healthy = false;
            boolean redacted = false;
            while (System.nanoTime() < deadline && !(healthy && redacted) && daemon.isAlive()) {
                try {
                    healthy = healthy || http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException notYetListening) {
                    // the JVM is still starting
                }
                redacted = Files.exists(output) && Files.readString(output).contains("[REDACTED:SSN]");
                if (!(healthy && redacted)) {
                    daemon.waitFor(200, TimeUnit.MILLISECONDS);
                }
            }
            String daemonLog = Files.readString(log);
            assertThat(healthy).as("/healthz answered 200; log:\n" + daemonLog).isTrue();
            assertThat(redacted).as("redacted event written; log:\n" + daemonLog).isTrue();
            String written = Files.readString(output);
            assertThat(written).doesNotContain("536-22-8174").doesNotContain("4111111111111111");
            assertThat(daemonLog).doesNotContain("536-22-8174");

            // The metrics the shipped dashboard and alert rules are built on, as the daemon exposes them.
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("redactd_input_events_total{", "redactd_output_events_total{")
                    .containsPattern("redactd_findings_total\\{[^}]*type=\"SSN\"");
        } finally {
            stopped = Sandbox.stop(daemon, Duration.ofSeconds(30));
        }
        // SIGTERM drains and stops the daemon cleanly.
        assertThat(stopped).as("daemon stopped on SIGTERM").isTrue();
        assertThat(Files.readString(log)).contains("redactd stopped");
    }

    /** The SystemCallFilter= lines of the unit as the package installs it. */
    private static List<String> installedUnitFilter() throws IOException {
        return Files.readAllLines(root.resolve("lib/systemd/system/redactd.service")).stream()
                .filter(l -> l.startsWith("SystemCallFilter="))
                .map(l -> l.substring("SystemCallFilter=".length()))
                .toList();
    }

    /**
     * The JVM options the installed launcher passes, seen by a stand-in for java (JAVA=) that prints them: the heap is
     * bounded at 512 MiB by default, and any heap sizing of the operator's replaces the bound instead of fighting it
     * (-Xmx beats -XX:MaxRAMPercentage whatever the order; -Xms above 512m would not start).
     */
    @Test
    void launcherBoundsTheHeapUnlessTheOperatorSizesIt(@TempDir Path tmp) throws IOException {
        Path java = tmp.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        String launcher = root.resolve("usr/bin/redactd").toString();

        assertThat(launcherArgs(launcher, Map.of("JAVA", java.toString())))
                .startsWith("-XX:+ExitOnOutOfMemoryError -XX:+UseParallelGC -Xmx512m -jar ").endsWith(" version");
        assertThat(launcherArgs(launcher, Map.of("JAVA", java.toString(), "REDACTD_JAVA_OPTS", "-Dx=1 -Xmx1g")))
                .startsWith("-XX:+ExitOnOutOfMemoryError -XX:+UseParallelGC -Dx=1 -Xmx1g -jar ");
        assertThat(launcherArgs(launcher, Map.of("JAVA", java.toString(), "REDACTD_JAVA_OPTS", "-Xms2g")))
                .doesNotContain("-Xmx");
        assertThat(launcherArgs(launcher, Map.of("JAVA", java.toString(),
                "JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=50"))).doesNotContain("-Xmx");
        // The collector: the parallel one unless the operator picks one (two collectors would not start)
        assertThat(launcherArgs(launcher, Map.of("JAVA", java.toString(), "REDACTD_JAVA_OPTS", "-XX:+UseSerialGC")))
                .contains(" -Xmx512m -XX:+UseSerialGC -jar ").doesNotContain("UseParallelGC");
        assertThat(launcherArgs(launcher, Map.of("JAVA", java.toString(), "JAVA_TOOL_OPTIONS", "-XX:+UseG1GC")))
                .doesNotContain("UseParallelGC");
        // REDACTD_JAR: the same defaults on another jar (the source tree's ./redactd and the benchmarks use this)
        Files.writeString(tmp.resolve("x.jar"), "");
        assertThat(launcherArgs(launcher, Map.of("JAVA", java.toString(), "REDACTD_JAR", tmp.resolve("x.jar").toString())))
                .endsWith(" -jar " + tmp.resolve("x.jar") + " version");
    }

    private static String launcherArgs(String launcher, Map<String, String> env) {
        // Whatever the test's own environment holds, only the given options reach the launcher.
        Map<String, String> all = new java.util.HashMap<>(Map.of("REDACTD_JAVA_OPTS", "", "JAVA_TOOL_OPTIONS", "",
                "JDK_JAVA_OPTIONS", "", "REDACTD_JAR", ""));
        all.putAll(env);
        Command.Result r = Command.run(LIMIT, all, launcher, "version");
        assertThat(r.exit()).as(r.stderr()).isZero();
        return r.stdout().strip();
    }

    /**
     * The runtime the installed launcher picks: JAVA_HOME before PATH, Java 17 or newer, and without one a message that
     * names what to install and exit 127 (not the shell's bare `exec: java: not found`). Run with `env -i` and a PATH
     * that holds only the two tools the launcher needs besides java, as on a host without a JRE.
     */
    @Test
    void launcherFindsJava17OrSaysWhatToInstall(@TempDir Path tmp) throws IOException {
        Path bin = Files.createDirectory(tmp.resolve("bin"));
        for (String tool : List.of("dirname", "readlink")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of(Command.run(LIMIT, "sh", "-c", "command -v " + tool)
                    .requireSuccess().stdout().strip()));
        }
        String launcher = root.resolve("usr/bin/redactd").toString();
        String realHome = System.getProperty("java.home"); // the JDK running this test: 17 or newer
        Path java11 = fakeJava(tmp.resolve("jdk11"), "openjdk version \"11.0.22\" 2024-01-16");
        Path java8 = fakeJava(tmp.resolve("jdk8"), "java version \"1.8.0_402\"");
        Path noJava = Files.createDirectory(tmp.resolve("empty"));

        Command.Result none = launch(launcher, "PATH=" + bin);
        assertThat(none.exit()).as(none.stderr()).isEqualTo(127);
        assertThat(none.stderr()).contains("no Java runtime found", "Java 17 or newer",
                "apt install openjdk-17-jre-headless", "JAVA_HOME").doesNotContain("not found:");

        Command.Result home = launch(launcher, "PATH=" + bin, "JAVA_HOME=" + realHome);
        assertThat(home.exit()).as(home.stderr()).isZero();
        assertThat(home.stdout()).contains("redactd " + PROJECT_VERSION);
        // JAVA_HOME wins over an old java on PATH.
        Command.Result homeFirst = launch(launcher, "PATH=" + bin + ":" + java11.getParent(), "JAVA_HOME=" + realHome);
        assertThat(homeFirst.exit()).as(homeFirst.stderr()).isZero();

        for (Path old : List.of(java11, java8)) {
            String version = old.equals(java11) ? "11.0.22" : "1.8.0_402";
            for (Command.Result r : List.of(launch(launcher, "PATH=" + bin, "JAVA_HOME=" + old.getParent().getParent()),
                    launch(launcher, "PATH=" + bin + ":" + old.getParent()), launch(launcher, "PATH=" + bin, "JAVA=" + old))) {
                assertThat(r.exit()).as(r.stderr()).isEqualTo(127);
                assertThat(r.stderr()).contains("is Java " + version + ".", "apt install openjdk-17-jre-headless");
                assertThat(r.stdout()).isEmpty();
            }
        }
        Command.Result badHome = launch(launcher, "PATH=" + bin, "JAVA_HOME=" + noJava);
        assertThat(badHome.exit()).isEqualTo(127);
        assertThat(badHome.stderr()).contains("JAVA_HOME=" + noJava + " has no bin/java");
    }

    private static Command.Result launch(String launcher, String... env) {
        List<String> argv = new java.util.ArrayList<>(List.of("env", "-i"));
        argv.addAll(List.of(env));
        argv.addAll(List.of("/bin/sh", launcher, "version"));
        return Command.run(LIMIT, argv);
    }

    /** A java that only answers -version as an old JDK does (on stderr), in HOME/bin/java; anything else fails. */
    private static Path fakeJava(Path home, String versionLine) throws IOException {
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n[ \"$1\" = -version ] || exit 99\necho '" + versionLine
                + "' >&2\necho 'Runtime Environment' >&2\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return java;
    }

    @Test
    void launcherExplainsAMissingJar() throws IOException {
        Path bare = Files.createTempDirectory("bare").resolve("usr/bin");
        Files.createDirectories(bare);
        Path launcher = Files.copy(root.resolve("usr/bin/redactd"), bare.resolve("redactd"));
        // REDACTD_JAR cleared: a benchmark shell may export it, and the launcher would run that jar instead
        Command.Result result = Command.run(LIMIT, Map.of("REDACTD_JAR", ""), launcher.toString(), "version");
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.stderr()).contains("cannot read").contains("share/redactd/redactd.jar");
    }

    @Test
    void systemdVerifiesTheInstalledUnit(@TempDir Path system) throws IOException {
        // verify resolves ExecStart=/usr/bin/redactd, /bin/kill and the targets the unit orders against under
        // --root: a fresh unpack of the package, plus the host's /bin/kill and target units, as a real system has.
        Command.run(LIMIT, "dpkg-deb", "-x", DEB.toString(), system.toString()).requireSuccess();
        Path units = system.resolve("lib/systemd/system");
        try (Stream<Path> targets = Files.list(Path.of("/lib/systemd/system"))) {
            for (Path target : targets.filter(p -> p.toString().endsWith(".target")).toList()) {
                Files.copy(target, units.resolve(target.getFileName()), LinkOption.NOFOLLOW_LINKS);
            }
        }
        Files.createDirectories(system.resolve("bin"));
        Files.copy(Path.of("/bin/kill"), system.resolve("bin/kill"));

        Command.Result verify = Command.run(LIMIT, "systemd-analyze", "verify", "--root=" + system, "redactd.service");
        // Clean means silent: systemd reports unknown keys and bad values as warnings with exit 0.
        assertThat(verify.exit()).as(verify.stderr()).isZero();
        assertThat(verify.stdout() + verify.stderr()).isEmpty();

        // And the installed copy keeps the exposure figure of the source one.
        Command.Result security = Command.run(LIMIT, "systemd-analyze", "security", "--offline=true",
                "--root=" + system, "--no-pager", "redactd.service");
        assertThat(security.stdout() + security.stderr()).containsPattern("Overall exposure level for redactd.service: (0|1)\\.\\d");
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }
}
