package io.redactd.daemon.cli;

import io.redactd.daemon.config.ComponentRegistry;
import io.redactd.daemon.config.ConfigLoader;
import io.redactd.daemon.config.Problem;
import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.EngineChoice;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --config} and {@code --engine}, shared by the commands that detect without running the daemon. */
final class DetectionOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Take the detectors section (types, actions, custom detectors, tokenization key) from this config.")
    Path config;

    @Option(names = "--engine", paramLabel = "ENGINE",
            description = "auto (default: the portable engine, measured faster on the built-in catalog), hyperscan or portable.")
    EngineChoice engine;

    DetectionSettings settings() {
        DetectionSettings s = DetectionSettings.defaults();
        if (config != null) {
            ConfigLoader.Result r = new ConfigLoader(ComponentRegistry.builtIn(), System.getenv()).loadDetectorsOnly(config);
            if (!r.ok()) {
                StringBuilder msg = new StringBuilder(config + ": " + r.problems().size() + " problem(s)");
                for (Problem p : r.problems()) {
                    msg.append("\n  ").append(p);
                }
                throw new CliFailure(2, msg.toString());
            }
            s = r.config().detection();
        }
        return engine == null ? s : s.withEngine(engine);
    }

    DetectionPlan compile() {
        return compile(settings());
    }

    static DetectionPlan compile(DetectionSettings settings) {
        try {
            return DetectionPlan.compile(settings);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(2, "detectors: " + e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            throw new CliFailure(1, "the detection engine could not start: " + e.getMessage());
        }
    }
}
