package io.redactd.daemon.cli;

import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectorInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code redactd detectors}: the catalog (plus custom detectors from --config) as a table. */
@Command(name = "detectors", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class, description = "List the detectors: id, PHI type, validator, context words, default action.")
final class DetectorsCommand implements Callable<Integer> {
    @Mixin
    DetectionOptions detection;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        DetectionPlan plan = detection.compile();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "TYPE", "VALIDATOR", "CONTEXT", "ACTION"});
        for (DetectorInfo d : plan.detectors()) {
            String context = d.context().isEmpty() ? "-"
                    : (d.contextRequired() ? "required: " : "boosts: ") + String.join(",", d.context());
            rows.add(new String[] {d.id(), d.type(), d.validator() == null ? "none" : d.validator(), context,
                    d.defaultAction().name().toLowerCase(Locale.ROOT)});
        }
        int[] width = new int[5];
        for (String[] r : rows) {
            for (int i = 0; i < 4; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        for (String[] r : rows) {
            out.printf("%-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %-" + width[3] + "s  %s%n",
                    (Object[]) r);
        }
        out.printf("%d detectors, engine %s%n", rows.size() - 1, plan.engineName());
        return 0;
    }
}
