package io.redactd.packaging;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The redactd unit's sandbox rebuilt without systemd as PID 1 (CI has no systemd running), from the same
 * kernel mechanisms systemd uses: a /proc mounted as ProtectProc=invisible + ProcSubset=pid mount it, in a new
 * mount and PID namespace; an unprivileged user with no capabilities and no_new_privs (User=,
 * CapabilityBoundingSet=, AmbientCapabilities=, NoNewPrivileges=); and a seccomp filter built from the unit's
 * SystemCallFilter= lines with systemd's own group definitions. Needs root (to create the namespaces).
 */
public final class Sandbox {

    /** nobody: a user with no files of its own, standing in for the package's system user. */
    public static final int UID = 65534;

    private final Path filterScript;
    private final String allow;
    private final String deny;

    private Sandbox(Path filterScript, String allow, String deny) {
        this.filterScript = filterScript;
        this.allow = allow;
        this.deny = deny;
    }

    /**
     * @param systemCallFilter the unit's SystemCallFilter= values in order: allow-lists, and deny-lists
     *                         starting with {@code ~}
     */
    public static Sandbox of(List<String> systemCallFilter) throws IOException {
        StringBuilder allow = new StringBuilder();
        StringBuilder deny = new StringBuilder();
        for (String value : systemCallFilter) {
            if (value.startsWith("~")) {
                deny.append(' ').append(value.substring(1).strip());
            } else {
                allow.append(' ').append(value.strip());
            }
        }
        // Its own directory under /tmp: the sandbox user must be able to read the script.
        Path scratch = Files.createTempDirectory("redactd-sandbox");
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path script = scratch.resolve("syscall_filter_exec.py");
        scratch.toFile().deleteOnExit();
        script.toFile().deleteOnExit();
        try (InputStream in = Sandbox.class.getResourceAsStream("syscall_filter_exec.py")) {
            Files.copy(in, script);
        }
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        return new Sandbox(script, allow.toString().strip(), deny.toString().strip());
    }

    /** The command line that runs {@code command} inside the sandbox; stop a long-running one with {@link #stop}. */
    public List<String> wrap(String... command) {
        // sh -c SCRIPT filter allow deny COMMAND...: $0..$2 are the filter's arguments, "$@" after shift 2 the command.
        String script = "mount -t proc -o hidepid=invisible,subset=pid proc /proc && ! test -e /proc/meminfo"
                + " && filter=$0 allow=$1 deny=$2 && shift 2"
                + " && exec setpriv --reuid=" + UID + " --regid=" + UID + " --clear-groups --no-new-privs"
                + " --bounding-set=-all --inh-caps=-all -- /usr/bin/python3 \"$filter\" \"$allow\" \"$deny\" -- \"$@\"";
        List<String> line = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork",
                "sh", "-c", script, filterScript.toString(), allow, deny));
        line.addAll(List.of(command));
        return line;
    }

    /**
     * SIGTERM to the sandboxed command itself, then waits for it. Signalling unshare would not reach it:
     * the parent-death signal is cleared when setpriv changes the user, and the command is the namespace's init.
     */
    public static boolean stop(Process sandboxed, Duration grace) throws InterruptedException {
        sandboxed.descendants().forEach(ProcessHandle::destroy);
        if (sandboxed.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            return true;
        }
        sandboxed.descendants().forEach(ProcessHandle::destroyForcibly);
        sandboxed.destroyForcibly();
        return false;
    }
}
