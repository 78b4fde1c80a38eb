package io.redactd.packaging.deb;

import static org.assertj.core.api.Assertions.assertThat;

import io.redactd.packaging.Command;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

    @Test
    void launcherRunsTheJarFromTheUnpackedRoot() {
        // The launcher finds the jar relative to itself, so the unpacked copy runs as installed.
        Command.Result version = Command.run(LIMIT, root.resolve("usr/bin/redactd").toString(), "version");
        assertThat(version.exit()).as(version.stdout() + version.stderr()).isZero();
        assertThat(version.stdout()).contains(PROJECT_VERSION);
    }

    /**
     * The parts of the unit's sandbox that can be rebuilt without systemd as PID 1: a non-root user with no
     * capabilities and no_new_privs (User=, CapabilityBoundingSet=, NoNewPrivileges=), and a /proc mounted the
     * way ProtectProc=invisible and ProcSubset=pid mount it. The JVM and Hyperscan's native library must start.
     */
    @Test
    void startsAsAnUnprivilegedUserWithTheUnitsProcRestrictions() throws IOException {
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        String sandboxed = "mount -t proc -o hidepid=invisible,subset=pid proc /proc"
                + " && ! test -e /proc/meminfo"
                + " && exec setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs"
                + " --bounding-set=-all --inh-caps=-all -- " + root.resolve("usr/bin/redactd") + " version";
        Command.Result version = Command.run(LIMIT, "unshare", "--mount", "--pid", "--fork", "sh", "-c", sandboxed);
        assertThat(version.exit()).as(version.stdout() + version.stderr()).isZero();
        assertThat(version.stdout()).contains(PROJECT_VERSION).contains("engine: hyperscan");
    }

    @Test
    void launcherExplainsAMissingJar() throws IOException {
        Path bare = Files.createTempDirectory("bare").resolve("usr/bin");
        Files.createDirectories(bare);
        Path launcher = Files.copy(root.resolve("usr/bin/redactd"), bare.resolve("redactd"));
        Command.Result result = Command.run(LIMIT, launcher.toString(), "version");
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
