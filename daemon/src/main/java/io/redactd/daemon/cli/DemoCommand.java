package io.redactd.daemon.cli;

import io.redactd.daemon.config.ComponentRegistry;
import io.redactd.daemon.config.ConfigLoader;
import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.LineResult;
import io.redactd.detectors.Redactor;
import io.redactd.detectors.synthetic.SampleLines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code redactd demo}: the real daemon on {@code config-examples/quickstart.yaml}. A writer thread appends synthetic
 * PHI-laden lines to a log in a temporary directory; the daemon tails it and prints the redacted ECS events (with
 * their finding counts) to the terminal until Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class, description = {
        "Run the daemon on config-examples/quickstart.yaml: sample PHI lines are written to a temporary log,",
        "tailed, redacted and printed as events. Ctrl-C stops it."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", defaultValue = "config-examples/quickstart.yaml",
            description = "Config to run (default: ${DEFAULT-VALUE}); REDACTD_DEMO_DIR is set to the temporary directory.")
    Path config;

    @Option(names = "--interval-ms", paramLabel = "MS", defaultValue = "1000", description = "Pause between sample lines.")
    long intervalMs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        ComponentRegistry registry = ComponentRegistry.builtIn();
        if (registry.inputType("file").isEmpty()) {
            err.println("redactd demo: this build has no file input yet; redacting the built-in sample to stdout instead");
            err.flush();
            return redactSample();
        }
        Path dir = Files.createTempDirectory("redactd-demo-");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("REDACTD_DEMO_DIR", dir.toString());
        ConfigLoader.Result r = new ConfigLoader(registry, env).load(config);
        if (!r.ok()) {
            err.print(config + ": ");
            CheckConfigCommand.report(err, r);
            return 2;
        }
        Path log = dir.resolve("app.log");
        Thread writer = new Thread(() -> writeSamples(log), "redactd-demo-writer");
        writer.setDaemon(true);
        err.printf("redactd demo: writing sample PHI lines to %s every %d ms; redacted events follow. Ctrl-C to stop.%n",
                log, intervalMs);
        err.flush();
        writer.start();
        try {
            return RunCommand.runUntilSignal(r.config());
        } finally {
            writer.interrupt();
            deleteTree(dir);
        }
    }

    private void writeSamples(Path log) {
        try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                String line = SampleLines.lines().get(i % SampleLines.lines().size()) + "\n";
                out.write(line.getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(intervalMs); // pacing for a human reader, not synchronization
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            System.err.println("redactd demo: writing the sample log failed: " + e.getMessage());
        }
    }

    private int redactSample() throws IOException {
        DetectionPlan plan = DetectionOptions.compile(DetectionSettings.defaults());
        Redactor redactor = plan.newRedactor();
        OutputStream out = System.out;
        for (String line : SampleLines.lines()) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            LineResult r = redactor.redact(b);
            if (r.dropped()) {
                out.write(RedactCommand.DROPPED);
            } else {
                out.write(r.output(), r.outputOffset(), r.outputLength());
            }
            out.write('\n');
        }
        out.flush();
        return 0;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("redactd demo: could not remove " + dir);
        }
    }
}
