package io.redactd.packaging.systemd;

import io.redactd.packaging.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code systemd-analyze security --offline=true}: the overall exposure and the checks a unit fails. */
record SecurityReport(double exposure, Set<String> failedChecks, String text) {

    private static final Pattern OVERALL = Pattern.compile("Overall exposure level for \\S+: (\\d+(?:\\.\\d+)?)");

    static SecurityReport of(Path unit) {
        // The offline check needs no running systemd; it reads the unit file alone.
        Command.Result result = Command.run(Duration.ofSeconds(60),
                "systemd-analyze", "security", "--offline=true", "--no-pager", unit.toString());
        String text = result.stdout() + result.stderr();
        Matcher overall = OVERALL.matcher(text);
        if (!overall.find()) {
            throw new AssertionError("no overall exposure in systemd-analyze output:\n" + text);
        }
        Set<String> failed = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("\u2717")) { // ✗ marks a check the unit fails
                failed.add(line.substring(1).strip().split("\\s+")[0]);
            }
        }
        return new SecurityReport(Double.parseDouble(overall.group(1)), failed, text);
    }
}
