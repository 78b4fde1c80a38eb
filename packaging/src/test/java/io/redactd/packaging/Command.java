package io.redactd.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a real tool (lintian, dpkg, systemd-analyze, kubectl, java) to completion, with a deadline. */
public final class Command {

    /** What a finished command printed (stdout and stderr apart) and its exit status. */
    public record Result(List<String> command, int exit, String stdout, String stderr) {
        public Result requireSuccess() {
            if (exit != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + exit + "\nstdout:\n" + stdout
                        + "\nstderr:\n" + stderr);
            }
            return this;
        }
    }

    private Command() {
    }

    public static Result run(Duration timeout, String... command) {
        return run(timeout, Map.of(), command);
    }

    public static Result run(Duration timeout, List<String> command) {
        return run(timeout, Map.of(), command.toArray(String[]::new));
    }

    public static Result run(Duration timeout, Map<String, String> env, String... command) {
        try {
            Path out = Files.createTempFile("cmd", ".out");
            Path err = Files.createTempFile("cmd", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
                builder.environment().putAll(env);
                Process process = builder.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
                }
                return new Result(List.of(command), process.exitValue(),
                        Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command[0] + " (is it installed? see .ci/setup)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command[0], e);
        }
    }

    /** The repository root, passed by the pom. */
    public static Path repo() {
        String repo = System.getProperty("redactd.repo");
        if (repo == null) {
            throw new IllegalStateException("system property redactd.repo is not set (run through Maven)");
        }
        return Path.of(repo).toAbsolutePath().normalize();
    }
}
