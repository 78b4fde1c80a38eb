package io.redactd.detectors.accuracy;

import io.redactd.detectors.synthetic.LabeledLine;
import io.redactd.detectors.synthetic.PhiValue;
import io.redactd.detectors.synthetic.SyntheticLog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Runs a redactor over generated lines and scores recall per type and changes to hard-negative lines. */
public final class AccuracyRun {
    /** Per-type counts: labeled values and how many were fully redacted. */
    public record TypeScore(String type, int values, int recalled) {
        public double recall() {
            return values == 0 ? 0 : 100.0 * recalled / values;
        }
    }

    public final Map<String, int[]> counts = new LinkedHashMap<>();
    public final List<String> missedExamples = new ArrayList<>();
    public int hardNegatives;
    public int hardNegativesChanged;
    public final List<String> changedNegativeExamples = new ArrayList<>();

    /** Generates {@code perType} PHI lines of every type plus {@code negatives} hard-negative lines. */
    public static AccuracyRun run(long seed, int perType, int negatives, UnaryOperator<String> redactor) {
        AccuracyRun r = new AccuracyRun();
        for (String t : SyntheticLog.TYPES) {
            r.counts.put(t, new int[2]);
        }
        SyntheticLog gen = new SyntheticLog(seed, 0, 1);
        for (int i = 0; i < perType; i++) {
            for (String t : SyntheticLog.TYPES) {
                LabeledLine line = gen.phiLine(t);
                String out = redactor.apply(line.text());
                for (PhiValue v : line.phi()) {
                    int[] c = r.counts.get(v.type());
                    c[0]++;
                    if (!Leaks.leaked(line.text(), out, v.value())) {
                        c[1]++;
                    } else if (r.missedExamples.size() < 400) {
                        r.missedExamples.add(v.type() + " [" + v.value() + "] " + line.shape() + " :: " + out);
                    }
                }
            }
        }
        for (int i = 0; i < negatives; i++) {
            LabeledLine line = gen.hardNegativeLine();
            String out = redactor.apply(line.text());
            r.hardNegatives++;
            if (!out.equals(line.text())) {
                r.hardNegativesChanged++;
                if (r.changedNegativeExamples.size() < 50) {
                    r.changedNegativeExamples.add(out);
                }
            }
        }
        return r;
    }

    public List<TypeScore> scores() {
        List<TypeScore> s = new ArrayList<>();
        counts.forEach((t, c) -> s.add(new TypeScore(t, c[0], c[1])));
        return s;
    }

    public double hardNegativeChangedPercent() {
        return hardNegatives == 0 ? 0 : 100.0 * hardNegativesChanged / hardNegatives;
    }

    public String table() {
        StringBuilder sb = new StringBuilder(String.format("%-12s %8s %9s %9s%n", "type", "values", "recalled",
                "recall %"));
        for (TypeScore s : scores()) {
            sb.append(String.format("%-12s %8d %9d %9.2f%n", s.type(), s.values(), s.recalled(), s.recall()));
        }
        sb.append(String.format("hard negatives: %d lines, %d changed (%.2f%%)%n", hardNegatives,
                hardNegativesChanged, hardNegativeChangedPercent()));
        return sb.toString();
    }
}
