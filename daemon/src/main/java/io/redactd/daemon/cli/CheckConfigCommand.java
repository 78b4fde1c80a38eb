package io.redactd.daemon.cli;

import io.redactd.daemon.config.ComponentRegistry;
import io.redactd.daemon.config.ConfigLoader;
import io.redactd.daemon.config.Problem;
import io.redactd.daemon.config.RedactdConfig;
import io.redactd.detectors.DetectionPlan;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code redactd check-config FILE}: every problem with its path and line, exit 2 if any. */
@Command(name = "check-config", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class, description = {
        "Validate a config file: print every problem as 'path: message (line N)'.",
        "Also compiles the detectors (custom patterns included). Exit 0 when valid, 2 otherwise."})
final class CheckConfigCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The YAML config.")
    Path file;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConfigLoader.Result r = new ConfigLoader(ComponentRegistry.builtIn(), System.getenv()).load(file);
        if (!r.ok()) {
            report(err, r);
            return 2;
        }
        RedactdConfig c = r.config();
        DetectionPlan plan;
        try {
            plan = DetectionOptions.compile(c.detection());
        } catch (CliFailure f) {
            err.println(file + ": 1 problem");
            err.println("  " + r.conceal(f.getMessage()));
            return 2;
        }
        out.printf("%s: OK (%d input(s), %d output(s), %d detectors, engine %s, admin %s)%n", file,
                c.inputs().size(), c.outputs().size(), plan.detectors().size(), plan.engineName(),
                c.admin().enabled() ? c.admin().listen() : "off");
        return 0;
    }

    static void report(PrintWriter err, ConfigLoader.Result r) {
        err.println(r.problems().size() + " problem(s):");
        for (Problem p : r.problems()) {
            err.println("  " + p);
        }
        err.flush();
    }
}
