package io.redactd.daemon.alert;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.daemon.config.AlertsConfig;
import io.redactd.daemon.config.ComponentRegistry;
import io.redactd.daemon.config.ConfigLoader;
import io.redactd.daemon.pipeline.Pipeline;
import io.redactd.daemon.pipeline.PipelineMetrics;
import io.redactd.daemon.pipeline.RawBatch;
import io.redactd.daemon.pipeline.RawEvent;
import io.redactd.detectors.DetectionPlan;
import io.redactd.outputs.file.FileOutput;
import io.redactd.outputs.file.FileOutputConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real pipeline (detection workers, a file output) with the alert manager hooked to its redactor stage, built from
 * an {@code alerts:} YAML section through the real config loader.
 */
final class AlertHarness implements AutoCloseable {
    final Vertx vertx;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Pipeline pipeline;
    final AlertManager alerts;
    final FileOutput output;
    final Path outFile;

    AlertHarness(Vertx vertx, DetectionPlan plan, Path dir, String alertsYaml, Map<String, String> env) throws Exception {
        this.vertx = vertx;
        AlertsConfig config = alertsConfig(alertsYaml, env);
        outFile = dir.resolve("out.ndjson");
        output = new FileOutput("file", new FileOutputConfig(outFile.toString(), null, null, null), vertx);
        await(output.start());
        pipeline = new Pipeline(vertx, plan, List.of(output), 2, 8, new PipelineMetrics(registry), "test-host");
        alerts = new AlertManager(vertx, config, "test-host", AlertManager.targets(vertx, config, env), pipeline, registry);
        pipeline.alertsTo(alerts);
    }

    static AlertsConfig alertsConfig(String alertsYaml, Map<String, String> env) {
        // The input ids the tests submit under: alerts.sources[].input must name a configured input.
        String yaml = "inputs:\n  - {type: stdin, id: app}\n  - {type: stdin, id: ehr}\n  - {type: stdin, id: web}\n"
                + "outputs:\n  - type: stdout\n" + alertsYaml;
        ConfigLoader.Result r = new ConfigLoader(ComponentRegistry.builtIn(), env).load(yaml);
        assertThat(r.problems()).as("config problems").isEmpty();
        return r.config().alerts();
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    static RawEvent fileEvent(String path, long offset, String line) {
        return new RawEvent(line.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis(),
                Map.of("log.file.path", path, "log.offset", offset), offset + line.length() + 1);
    }

    /** Submits lines of one file as one batch; completes when every output wrote them. */
    Future<Void> submit(String input, String path, long firstOffset, List<String> lines) {
        List<RawEvent> events = new ArrayList<>();
        long off = firstOffset;
        for (String l : lines) {
            events.add(fileEvent(path, off, l));
            off += l.length() + 1;
        }
        return pipeline.submit(new RawBatch(input + ":" + path, input, events));
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void pollUntil(String what, Duration max, Check condition) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.ok()) {
            assertThat(System.nanoTime()).as("timed out waiting for " + what).isLessThan(deadline);
            Thread.sleep(2); // polling interval of a condition with a deadline
        }
    }

    double counter(String name, String tag, String value) {
        var c = registry.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() throws Exception {
        await(alerts.close());
        await(pipeline.close());
        await(output.stop());
    }
}
