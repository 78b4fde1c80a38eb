package io.redactd.daemon.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** The CLI as an auditor uses it: {@code redactd keygen} for the key file, {@code redactd verify} with it. */
final class VerifyCli {
    private VerifyCli() {
    }

    /** What verify printed (stdout and stderr together) and its exit code. */
    record Result(int exit, String out) {
    }

    /**
     * Keys the chain in {@code state} and writes the auditor's copy to {@code keyFile} as an operator would: only the
     * verification-key line, mode 0600. Returns {@code keyFile}.
     */
    static Path auditorKey(Path state, Path keyFile) throws Exception {
        StringWriter keygen = new StringWriter();
        assertThat(new CommandLine(new KeygenCommand()).setOut(new PrintWriter(keygen))
                .execute("--state-dir", state.toString())).isZero();
        Files.write(keyFile, keygen.toString().lines().filter(l -> l.startsWith("verification-key=")).toList());
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        return keyFile;
    }

    /** {@code redactd verify --key-file KEY --no-progress ARGS...}. */
    static Result verify(Path key, List<String> args) {
        StringWriter sw = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--key-file", key.toString(), "--no-progress"));
        all.addAll(args);
        int rc = new CommandLine(new VerifyCommand()).setOut(new PrintWriter(sw)).setErr(new PrintWriter(sw))
                .execute(all.toArray(String[]::new));
        return new Result(rc, sw.toString());
    }
}
