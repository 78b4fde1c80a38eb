package io.redactd.benchmarks.corpus;

import io.redactd.detectors.synthetic.LabeledLine;
import io.redactd.detectors.synthetic.PhiValue;
import io.redactd.detectors.synthetic.SyntheticLog;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes the end-to-end and peer benchmark corpus: N MB of log lines from {@link SyntheticLog} (nginx, JSON, syslog,
 * key=value, HL7, stack-trace shapes) with a share of PHI lines, plus its ground truth.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.redactd.benchmarks.corpus.CorpusGenerator \
 *      --mb 500 --types full|peer5 --out DIR [--seed 42] [--phi 0.05] [--hard-negatives 0.10]
 * </pre>
 *
 * Files written in DIR: {@code corpus.log}; {@code truth.json} (lines, bytes, PHI lines, values per type);
 * {@code phi-values.txt} (every distinct PHI value, one per line, for {@code grep -F -f}).
 *
 * <p>{@code peer5} keeps only SSN, CREDIT_CARD, EMAIL, PHONE and IPV4: PHI lines that would also carry another type
 * (an nginx line's IPv6 client, an HL7 PID segment) are drawn again, so the five regexes a peer is configured with
 * see every PHI value of the corpus.
 */
public final class CorpusGenerator {
    /** The five types the peers are configured with. */
    public static final List<String> PEER_TYPES = List.of("SSN", "CREDIT_CARD", "EMAIL", "PHONE", "IPV4");
    /** Share of lines that are clean nginx access lines (clients by host name, so no IPV4). */
    private static final double NGINX_SHARE = 0.55;

    private CorpusGenerator() {
    }

    public static void main(String[] args) throws IOException {
        Options o = Options.parse(args);
        Files.createDirectories(o.out());
        Stats stats = write(o);
        System.out.printf("corpus %s: %d lines, %d bytes (%.1f bytes/line), %d PHI lines, %d distinct values%n",
                o.out().resolve("corpus.log"), stats.lines, stats.bytes, (double) stats.bytes / stats.lines,
                stats.phiLines, stats.values.size());
    }

    private static Stats write(Options o) throws IOException {
        List<String> types = o.peer5() ? PEER_TYPES : SyntheticLog.TYPES;
        // SyntheticLog's lines average ~105 bytes; clean nginx access lines (~250 bytes) bring the mean to ~200, so
        // the PHI and hard-negative shares of SyntheticLog are raised to keep the corpus-wide shares as asked
        double rest = 1 - NGINX_SHARE;
        SyntheticLog gen = new SyntheticLog(o.seed(), o.phi() / rest, o.hardNegatives() / rest);
        java.util.Random pickType = new java.util.Random(o.seed() ^ 0x5DEECE66DL);
        AccessLog access = new AccessLog(new java.util.Random(o.seed() + 1));
        Stats s = new Stats();
        long target = o.mb() * 1_000_000L;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(o.out().resolve("corpus.log")),
                1 << 20)) {
            while (s.bytes < target) {
                LabeledLine line = pickType.nextDouble() < NGINX_SHARE ? access.next() : gen.next();
                if (line.kind() == LabeledLine.Kind.PHI && o.peer5()) {
                    line = peerLine(gen, pickType);
                }
                byte[] b = line.text().getBytes(StandardCharsets.UTF_8);
                out.write(b);
                out.write('\n');
                s.add(line, b.length + 1);
            }
        }
        writeTruth(o, s, types);
        return s;
    }

    /** A PHI line whose values are all of the five peer types. */
    private static LabeledLine peerLine(SyntheticLog gen, java.util.Random pickType) {
        while (true) {
            LabeledLine l = gen.phiLine(PEER_TYPES.get(pickType.nextInt(PEER_TYPES.size())));
            if (l.phi().stream().allMatch(v -> PEER_TYPES.contains(v.type()))) {
                return l;
            }
        }
    }

    private static void writeTruth(Options o, Stats s, List<String> types) throws IOException {
        StringBuilder json = new StringBuilder();
        json.append("{\n  \"variant\": \"").append(o.peer5() ? "peer5" : "full").append("\",\n");
        json.append("  \"seed\": ").append(o.seed()).append(",\n");
        json.append("  \"lines\": ").append(s.lines).append(",\n");
        json.append("  \"bytes\": ").append(s.bytes).append(",\n");
        json.append("  \"phi_lines\": ").append(s.phiLines).append(",\n");
        json.append("  \"hard_negative_lines\": ").append(s.hardNegativeLines).append(",\n");
        json.append("  \"types\": [");
        for (int i = 0; i < types.size(); i++) {
            json.append(i > 0 ? ", " : "").append('"').append(types.get(i)).append('"');
        }
        json.append("],\n  \"values_per_type\": {");
        int i = 0;
        for (Map.Entry<String, Long> e : s.perType.entrySet()) {
            json.append(i++ > 0 ? ", " : "").append('"').append(e.getKey()).append("\": ").append(e.getValue());
        }
        json.append("}\n}\n");
        Files.writeString(o.out().resolve("truth.json"), json);
        try (PrintStream p = new PrintStream(new BufferedOutputStream(
                Files.newOutputStream(o.out().resolve("phi-values.txt"))), false, StandardCharsets.UTF_8)) {
            for (String v : s.values) {
                p.println(v);
            }
        }
    }

    private static final class Stats {
        long lines;
        long bytes;
        long phiLines;
        long hardNegativeLines;
        final Map<String, Long> perType = new TreeMap<>();
        final Set<String> values = new LinkedHashSet<>();

        void add(LabeledLine line, int size) {
            lines++;
            bytes += size;
            if (line.kind() == LabeledLine.Kind.PHI) {
                phiLines++;
            } else if (line.kind() == LabeledLine.Kind.HARD_NEGATIVE) {
                hardNegativeLines++;
            }
            for (PhiValue v : line.phi()) {
                perType.merge(v.type(), 1L, Long::sum);
                values.add(v.value());
            }
        }
    }

    private record Options(long mb, boolean peer5, Path out, long seed, double phi, double hardNegatives) {
        static Options parse(String[] args) {
            long mb = 500;
            String types = "full";
            Path out = null;
            long seed = 42;
            double phi = 0.05;
            double hard = 0.10;
            for (int i = 0; i < args.length; i++) {
                String v = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--mb" -> mb = Long.parseLong(require(args[i], v));
                    case "--types" -> types = require(args[i], v);
                    case "--out" -> out = Path.of(require(args[i], v));
                    case "--seed" -> seed = Long.parseLong(require(args[i], v));
                    case "--phi" -> phi = Double.parseDouble(require(args[i], v));
                    case "--hard-negatives" -> hard = Double.parseDouble(require(args[i], v));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
            if (!types.equals("full") && !types.equals("peer5")) {
                throw new IllegalArgumentException("--types must be full or peer5, got " + types);
            }
            if (out == null) {
                throw new IllegalArgumentException("--out DIR is required");
            }
            return new Options(mb, types.equals("peer5"), out, seed, phi, hard);
        }

        private static String require(String option, String value) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }
    }
}
