package io.redactd.detectors.engine;

import com.google.re2j.Matcher;
import io.redactd.detectors.catalog.Catalog;
import io.redactd.detectors.catalog.DetectorSpec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token nominator against RE2/J, rule by rule, on lines built to sit on the edges of each rule: valid values of
 * every shape, then the same mutated byte by byte (replaced, inserted, deleted, separators swapped) and embedded in
 * random context, at a nonzero offset in a larger buffer. Every RE2/J match of a covered pattern must be nominated
 * and end within the reported [firstEnd, lastEnd].
 */
class TokenNominatorTest {
    private static final String[] SEEDS = {
        "536-22-8872", "536 22 8872", "219099999", "4111111111111111", "4111 1111 1111 1111", "5500-0000-0000-0004",
        "378282246310005", "3782 822463 10005", "6011000990139424", "2221000000000009", "(217) 555-0123",
        "(217)555-0123", "217-555-0123", "217.555.0123", "+1 217 555 0123", "+1(217) 555-0123", "+12175550123",
        "1-217-555-0123", "1 (217) 555-0123", "2175550123", "12175550123", "217 555 0123", "10.0.12.7",
        "192.168.1.20-web1", "10.1.2.3.example", "2001:db8::1", "fe80::a:b:c:d", "::1", "1:2:3:4:5:6:7:8",
        "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "a::", "1234567893", "AB1234563", "X91234563", "1EG4TE5MK73",
        "1EG4-TE5-MK73", "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32", "1HGCM82633A004352",
        "11111111111111111", "ABCDEFGH123456789", "123 Main St", "4500 N. Oak Ave", "77B 5th Ave, Apt 4",
        "1 North Elm Street", "12 W 42nd St, New York, NY 10036", "9 Ab St.", "300 E Martin Luther King Blvd",
        "jane.doe@example.org", "a@b.co", "x_y+z%1@mail-1.example.co.uk", "J.Smith@Example.COM",
        // around the long-run e-mail pattern's edge (65 local-part characters before the @)
        "p.q".repeat(21) + "rs@ex.org", "%20".repeat(22) + "zo@example.com", "a".repeat(66) + "@b.co",
        // glued to the word before: an underscore, a letter's dash, a letter (dashed SSN only)
        "srv_4111111111111111", "cc-5500000000000004", "_3782 822463 10005", "pan_4111-1111-1111-1111",
        "blk_4568377692254637284", "user536-22-8872", "SSN536-22-8872", "host-212-67-4821", "id_536 22 8872",
        "ssn_219099999", "tel_2175550123", "fax-(217) 555-0123", "x-1-217-555-0123", "npi_1234567893",
        // glued to the word after (or both): an underscore after the value
        "4111111111111111_exp", "4111 1111 1111 1111_x", "3782-822463-10005_", "pan_5500000000000004_x",
        "4568377692254637284_1", "536-22-8872_old", "id_536 22 8872_x", "user536-22-8872_", "219099999_x",
        "(217) 555-0123_w", "217-555-0123_home", "+1 217 555 0123_c", "1-217-555-0123_x", "2175550123_h",
        "1234567893_npi", "536-22-8872_536-22-8872", "4111111111111111_5500000000000004",
        // after a letter's dot, SSN groups joined by underscores, a card glued to a word on either side
        "ssn.536-22-8872", "a.4111111111111111", "user.(217) 555-0123", "x.217.555.0123", "npi.1234567893",
        "536_22_8872", "id_536_22_8872_old", "x.536_22_8872", "ssn_536_22_8872", "card4111111111111111",
        "x4111111111111111y", "pan3782 822463 10005", "CARD4111 1111 1111 1111x", "12ab4111111111111111",
        "Card5500000000000004_x", "4111111111111111x", "4111111111111111abcz", "4111 1111 1111 1111exp",
        "x.4111111111111111q", "amex378282246310005", "visa4111-1111-1111-1111", "q6011000990139424Z",
    };
    private static final String NOISE = "0123456789012345-. ()+:_/ABCDEFXZaefxyz\"=[],#@%";

    @Test
    void everyRuleIsWrittenForABuiltInPattern() {
        List<String> builtIn = Catalog.builtIn().stream().flatMap(s -> s.patterns().stream()).toList();
        for (TokenNominator.Rule r : TokenNominator.Rule.values()) {
            assertThat(builtIn).as("rule %s: its catalog pattern changed; re-derive the rule", r).contains(r.regex);
        }
    }

    @Test
    void nominatesEveryMatchWithinItsEndRange() {
        List<CompiledPattern> patterns = new ArrayList<>();
        for (DetectorSpec s : Catalog.builtIn()) {
            for (String regex : s.patterns()) {
                patterns.add(new CompiledPattern(patterns.size(), 0, regex, -1, com.google.re2j.Pattern.compile(regex)));
            }
        }
        boolean[] claimed = new boolean[patterns.size()];
        TokenNominator nominator = TokenNominator.forPatterns(patterns, claimed);
        assertThat(nominator).isNotNull();
        List<CompiledPattern> covered = patterns.stream().filter(p -> claimed[p.index()]).toList();
        assertThat(covered).hasSize(TokenNominator.Rule.values().length);

        TokenNominator.Scan scan = nominator.newScan();
        PatternSet set = new PatternSet(patterns.size());
        SplittableRandom rnd = new SplittableRandom(5);
        int[] matched = new int[patterns.size()];
        for (int n = 0; n < 60_000; n++) {
            String line = line(rnd);
            byte[] text = line.getBytes(StandardCharsets.US_ASCII);
            // at an offset in a larger buffer, with letters and digits around it that must not count
            int off = rnd.nextInt(3);
            byte[] buf = new byte[off + text.length + rnd.nextInt(3)];
            Arrays.fill(buf, (byte) '7');
            System.arraycopy(text, 0, buf, off, text.length);
            set.clear();
            scan.candidates(buf, off, text.length, set);
            for (CompiledPattern p : covered) {
                Matcher m = p.re2().matcher(text);
                for (boolean found = m.find(); found; found = m.find()) {
                    matched[p.index()]++;
                    assertThat(set.contains(p.index())).as("%s not nominated on [%s]", p.regex(), line).isTrue();
                    assertThat(m.end()).as("%s match end on [%s]", p.regex(), line)
                            .isBetween(set.firstEnd(p.index()), set.lastEnd(p.index()));
                }
            }
        }
        for (CompiledPattern p : covered) {
            assertThat(matched[p.index()]).as("matches of %s exercised", p.regex()).isGreaterThan(50);
        }
    }

    /** The eight-byte class masks agree with the byte tests on every byte value, in every lane. */
    @Test
    void byteClassMasksMatchTheByteTests() {
        SplittableRandom rnd = new SplittableRandom(9);
        for (int n = 0; n < 200_000; n++) {
            long word = n < 256 ? (n * 0x0101010101010101L) : rnd.nextLong();
            if (n >= 256 && rnd.nextBoolean()) {
                word &= 0x7F7F7F7F7F7F7F7FL; // ASCII words, where most lanes are in a class
            }
            for (int k = 0; k < 8; k++) {
                int b = (int) (word >>> (k * 8)) & 0xff;
                boolean digit = b >= '0' && b <= '9';
                boolean upper = b >= 'A' && b <= 'Z';
                boolean lower = b >= 'a' && b <= 'z';
                long bit = 0x80L << (k * 8);
                assertThat((TokenNominator.digitBits(word) & bit) != 0).as("digit %02x", b).isEqualTo(digit);
                assertThat((TokenNominator.upperOrDigitBits(word) & bit) != 0).as("upper/digit %02x", b)
                        .isEqualTo(digit || upper);
                assertThat((TokenNominator.alnumBits(word) & bit) != 0).as("alnum %02x", b)
                        .isEqualTo(digit || upper || lower);
            }
        }
    }

    /**
     * A line with a byte >= 0x80 anywhere (the Hyperscan engine sends it to the portable engine) is reported as such
     * and nominates nothing; the same line without it is ASCII. The token pass detects this in its eight-byte loop,
     * so every position must be seen, also those its rules read past.
     */
    @Test
    void reportsNonAsciiLinesAndNominatesNothingOnThem() {
        List<CompiledPattern> patterns = new ArrayList<>();
        for (DetectorSpec s : Catalog.builtIn()) {
            for (String regex : s.patterns()) {
                patterns.add(new CompiledPattern(patterns.size(), 0, regex, -1, com.google.re2j.Pattern.compile(regex)));
            }
        }
        TokenNominator.Scan scan = TokenNominator.forPatterns(patterns, new boolean[patterns.size()]).newScan();
        PatternSet set = new PatternSet(patterns.size());
        SplittableRandom rnd = new SplittableRandom(17);
        for (int n = 0; n < 30_000; n++) {
            byte[] text = line(rnd).getBytes(StandardCharsets.US_ASCII);
            if (text.length == 0) {
                continue; // a short seed mutated away: no byte to make non-ASCII
            }
            int off = rnd.nextInt(3);
            byte[] buf = new byte[off + text.length + rnd.nextInt(3)];
            Arrays.fill(buf, (byte) 0xC3);
            System.arraycopy(text, 0, buf, off, text.length);
            set.clear();
            assertThat(scan.candidates(buf, off, text.length, set)).as("ASCII line [%s]", new String(text,
                    StandardCharsets.US_ASCII)).isTrue();
            byte[] bad = buf.clone();
            int at = off + rnd.nextInt(text.length);
            bad[at] = (byte) (0x80 | rnd.nextInt(128));
            set.clear();
            assertThat(scan.candidates(bad, off, text.length, set)).as("byte >= 0x80 at %d of [%s]", at - off,
                    new String(text, StandardCharsets.US_ASCII)).isFalse();
            assertThat(set.isEmpty()).as("nominations on a non-ASCII line").isTrue();
        }
    }

    /** Real logs (LogHub samples, when the shared corpus is there): nothing a covered pattern matches is missed. */
    @Test
    void nominatesEveryMatchInRealLogs() throws java.io.IOException {
        java.nio.file.Path dir = null;
        for (java.nio.file.Path d = java.nio.file.Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            java.nio.file.Path c = d.resolve("shared").resolve("corpus").resolve("loghub");
            if (java.nio.file.Files.isDirectory(c)) {
                dir = c;
                break;
            }
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(dir != null, "the LogHub corpus is not on this machine");
        List<CompiledPattern> covered = new ArrayList<>();
        List<CompiledPattern> patterns = new ArrayList<>();
        for (DetectorSpec s : Catalog.builtIn()) {
            for (String regex : s.patterns()) {
                patterns.add(new CompiledPattern(patterns.size(), 0, regex, -1, com.google.re2j.Pattern.compile(regex)));
            }
        }
        boolean[] claimed = new boolean[patterns.size()];
        TokenNominator.Scan scan = TokenNominator.forPatterns(patterns, claimed).newScan();
        patterns.stream().filter(p -> claimed[p.index()]).forEach(covered::add);
        PatternSet set = new PatternSet(patterns.size());
        int lines = 0;
        int matches = 0;
        List<java.nio.file.Path> files;
        try (java.util.stream.Stream<java.nio.file.Path> f = java.nio.file.Files.list(dir)) {
            files = f.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
        for (java.nio.file.Path file : files) {
            for (String line : java.nio.file.Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
                byte[] text = line.getBytes(StandardCharsets.ISO_8859_1);
                if (!new String(text, StandardCharsets.US_ASCII).equals(line)) {
                    continue; // the Hyperscan engine sends non-ASCII lines to the portable engine
                }
                lines++;
                set.clear();
                scan.candidates(text, 0, text.length, set);
                for (CompiledPattern p : covered) {
                    Matcher m = p.re2().matcher(text);
                    for (boolean found = m.find(); found; found = m.find()) {
                        matches++;
                        assertThat(set.contains(p.index()) && m.end() >= set.firstEnd(p.index())
                                && m.end() <= set.lastEnd(p.index()))
                                .as("%s in %s: match ending at %d", p.regex(), file.getFileName(), m.end()).isTrue();
                    }
                }
            }
        }
        assertThat(lines).isGreaterThan(10_000);
        assertThat(matches).isGreaterThan(100);
    }

    /** A valid value (or two), mutated a little, in random context. */
    private static String line(SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder();
        int parts = 1 + rnd.nextInt(3);
        for (int k = 0; k < parts; k++) {
            sb.append(noise(rnd, rnd.nextInt(4)));
            StringBuilder v = new StringBuilder(SEEDS[rnd.nextInt(SEEDS.length)]);
            int edits = rnd.nextInt(4);
            for (int e = 0; e < edits && v.length() > 0; e++) {
                int at = rnd.nextInt(v.length());
                switch (rnd.nextInt(4)) {
                    case 0 -> v.setCharAt(at, NOISE.charAt(rnd.nextInt(NOISE.length())));
                    case 1 -> v.insert(at, NOISE.charAt(rnd.nextInt(NOISE.length())));
                    case 2 -> v.deleteCharAt(at);
                    default -> v.setCharAt(at, "- .:".charAt(rnd.nextInt(4)));
                }
            }
            sb.append(v);
        }
        sb.append(noise(rnd, rnd.nextInt(4)));
        return sb.toString();
    }

    private static String noise(SplittableRandom rnd, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(NOISE.charAt(rnd.nextInt(NOISE.length())));
        }
        return sb.toString();
    }
}
