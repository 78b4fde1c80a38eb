package io.redactd.benchmarks.naive;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The baseline a developer would write in an afternoon: one thread reads lines, applies each regex of
 * {@code benchmarks/peers/patterns.tsv} in turn with {@link Matcher#replaceAll}, writes the line. It exists to be
 * measured against, never to run on untrusted input (java.util.regex backtracks).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.redactd.benchmarks.naive.NaiveRedactor PATTERNS.tsv IN OUT
 * </pre>
 */
public final class NaiveRedactor {
    private NaiveRedactor() {
    }

    record Rule(String type, Pattern pattern, String replacement) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: NaiveRedactor PATTERNS.tsv IN OUT");
            System.exit(2);
        }
        List<Rule> rules = rules(Path.of(args[0]));
        long lines = 0;
        long start = System.nanoTime();
        try (BufferedReader in = Files.newBufferedReader(Path.of(args[1]), StandardCharsets.UTF_8);
             BufferedWriter out = Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                for (Rule r : rules) {
                    line = r.pattern().matcher(line).replaceAll(r.replacement());
                }
                out.write(line);
                out.write('\n');
                lines++;
            }
        }
        System.err.printf("naive: %d lines in %.2f s%n", lines, (System.nanoTime() - start) / 1e9);
    }

    static List<Rule> rules(Path tsv) throws IOException {
        List<Rule> rules = new ArrayList<>();
        for (String row : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
            if (row.isBlank() || row.startsWith("#")) {
                continue;
            }
            int tab = row.indexOf('\t');
            if (tab < 0) {
                throw new IllegalArgumentException("patterns file row without a tab: TYPE<TAB>REGEX expected");
            }
            String type = row.substring(0, tab);
            rules.add(new Rule(type, Pattern.compile(row.substring(tab + 1)),
                    Matcher.quoteReplacement("[REDACTED:" + type + "]")));
        }
        return rules;
    }
}
