package io.redactd.daemon.cli;

import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.EngineChoice;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code redactd version}: the version from the jar manifest and the engine this machine runs. */
@Command(name = "version", description = "Print the version and the detection engine in use.")
final class VersionCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static String version() {
        String v = RedactdCommand.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public Integer call() {
        String engine;
        try {
            engine = DetectionPlan.compile(DetectionSettings.defaults()).engineName();
        } catch (RuntimeException | LinkageError e) {
            engine = "unavailable (" + e.getMessage() + ")";
        }
        // Compiling a Hyperscan plan proves the native library loads here (e.g. inside the systemd sandbox), even
        // though `auto` runs the portable engine.
        String hyperscan;
        try {
            hyperscan = DetectionPlan.compile(DetectionSettings.defaults().withEngine(EngineChoice.HYPERSCAN)).engineName()
                    .equals("hyperscan") ? "available" : "unavailable";
        } catch (RuntimeException | LinkageError e) {
            hyperscan = "unavailable (" + e.getMessage() + ")";
        }
        spec.commandLine().getOut().printf("redactd %s%nengine: %s%nhyperscan: %s%njava: %s%n", version(), engine,
                hyperscan, System.getProperty("java.version"));
        return 0;
    }

    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"redactd " + version()};
        }
    }
}
