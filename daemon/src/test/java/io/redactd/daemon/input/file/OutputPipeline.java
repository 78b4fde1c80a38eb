package io.redactd.daemon.input.file;

import io.micrometer.core.instrument.MeterRegistry;
import io.redactd.daemon.pipeline.Pipeline;
import io.redactd.daemon.pipeline.PipelineMetrics;
import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.redactd.outputs.file.FileOutput;
import io.redactd.outputs.file.FileOutputConfig;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.util.List;

import static io.redactd.daemon.input.file.InputHarness.await;

/**
 * The real pipeline in front of the real file output: what the redaction tests feed a {@link FileInput} into, so that
 * what they read back from the file is what the daemon would ship.
 */
record OutputPipeline(FileOutput output, Pipeline pipeline) {

    /** Starts a file output writing {@code out}, then a pipeline detecting with {@code settings} on {@code workers}. */
    static OutputPipeline start(Vertx vertx, Path out, DetectionSettings settings, int workers, MeterRegistry meters) {
        FileOutput output = new FileOutput("file", new FileOutputConfig(out.toString(), null, null, null), vertx);
        await(output.start());
        Pipeline pipeline = new Pipeline(vertx, DetectionPlan.compile(settings), List.of(output), workers, 8,
                new PipelineMetrics(meters), "test-host");
        return new OutputPipeline(output, pipeline);
    }

    /** Drains the pipeline, then stops the output: every event the pipeline took is in the file. */
    void stop() {
        await(pipeline.drain());
        await(output.stop());
    }
}
