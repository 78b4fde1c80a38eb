package io.redactd.daemon.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the shaded jar as a real process ({@code java -jar daemon/target/redactd.jar ...}). */
final class RedactdProcess {
    private RedactdProcess() {
    }

    record Result(int exit, String stdout, String stderr) {
    }

    static Path jar() {
        return Path.of(System.getProperty("redactd.jar", "target/redactd.jar")).toAbsolutePath();
    }

    static ProcessBuilder builder(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** Runs to completion, feeding {@code stdin} from a separate thread so large pipes cannot deadlock. */
    static Result run(byte[] stdin, String... args) throws IOException, InterruptedException {
        Process p = builder(args).start();
        Thread feeder = new Thread(() -> {
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin);
            } catch (IOException e) {
                // The process closed its stdin early; its exit code tells the test what happened.
            }
        });
        feeder.start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = drain(p.getErrorStream(), err);
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("redactd " + String.join(" ", args) + " did not finish");
        }
        feeder.join();
        errReader.join();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Result run(String... args) throws IOException, InterruptedException {
        return run(new byte[0], args);
    }

    static Thread drain(InputStream in, OutputStream to) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(to);
            } catch (IOException e) {
                // stream closed with the process
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
