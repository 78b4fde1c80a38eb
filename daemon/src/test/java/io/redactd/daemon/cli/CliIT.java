package io.redactd.daemon.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CliIT {
    private static final String PHI_LINE = "patient ssn 123-45-6789 mail a.b@x.org";

    @Test
    void redactRedactsBothValuesOnStdin() throws Exception {
        RedactdProcess.Result r = RedactdProcess.run((PHI_LINE + "\n").getBytes(StandardCharsets.UTF_8), "redact");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("patient ssn [REDACTED:SSN] mail [REDACTED:EMAIL]\n");
    }

    @Test
    void redactKeepsOneLinePerLineOnALargePipe() throws Exception {
        StringBuilder sb = new StringBuilder();
        int lines = 200_000;
        for (int i = 0; i < lines; i++) {
            sb.append(i % 100 == 0 ? "n=" + i + " " + PHI_LINE : "n=" + i + " GET /index.html 200 " + "x".repeat(i % 50));
            sb.append(i % 7 == 0 ? "\r\n" : "\n");
        }
        sb.append("last line without newline ssn 123-45-6789");
        RedactdProcess.Result r = RedactdProcess.run(sb.toString().getBytes(StandardCharsets.UTF_8), "redact", "--engine", "portable");
        assertThat(r.exit()).as(r.stderr()).isZero();
        String[] out = r.stdout().split("\n", -1);
        assertThat(out).hasSize(lines + 1);
        assertThat(out[0]).isEqualTo("n=0 patient ssn [REDACTED:SSN] mail [REDACTED:EMAIL]\r");
        assertThat(out[1]).isEqualTo("n=1 GET /index.html 200 x");
        assertThat(out[lines - 1]).startsWith("n=" + (lines - 1) + " ");
        assertThat(out[lines]).isEqualTo("last line without newline ssn [REDACTED:SSN]");
        assertThat(r.stdout()).doesNotContain("123-45-6789").doesNotContain("a.b@x.org");
    }

    @Test
    void redactFromFilesWithDropActionAndInvalidUtf8(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("d.yaml");
        Files.writeString(cfg, "detectors:\n  actions:\n    SSN: drop\n");
        Path in = dir.resolve("in.log");
        byte[] bad = "caf\u00e9 \u00ff mail a.b@x.org\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(in, concat((PHI_LINE + "\nclean line\n").getBytes(StandardCharsets.UTF_8), bad));
        RedactdProcess.Result r = RedactdProcess.run("redact", "--config", cfg.toString(), in.toString());
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("[REDACTED:DROPPED]\nclean line\ncaf\ufffd \ufffd mail [REDACTED:EMAIL]\n");
    }

    @Test
    void anOverlongLineIsReplacedNotPassedAndTheExitCodeSaysSo() throws Exception {
        String input = "a ssn 123-45-6789\n" + "ssn 123-45-6789 " + "x".repeat(2 * 1024 * 1024) + "\nb\n";
        RedactdProcess.Result r = RedactdProcess.run(input.getBytes(StandardCharsets.UTF_8), "redact");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stdout()).isEqualTo("a ssn [REDACTED:SSN]\n[REDACTED:OVERSIZE]\nb\n");
        assertThat(r.stderr()).contains("1 line(s) could not be checked");
    }

    @Test
    void scanReportsPositionsAndTypesButNeverValues(@TempDir Path dir) throws Exception {
        Path tree = dir.resolve("repo");
        Files.createDirectories(tree.resolve("src"));
        Files.createDirectories(tree.resolve(".git"));
        Files.writeString(tree.resolve("src/app.log"), "first line is clean\n  é " + PHI_LINE + "\n");
        Files.writeString(tree.resolve("clean.txt"), "nothing here\n");
        Files.writeString(tree.resolve(".git/leak.txt"), PHI_LINE + "\n");
        Files.write(tree.resolve("image.bin"), concat(new byte[] {0, 1, 2}, PHI_LINE.getBytes(StandardCharsets.UTF_8)));

        RedactdProcess.Result r = RedactdProcess.run("scan", tree.toString());
        assertThat(r.exit()).as(r.stderr()).isEqualTo(1);
        Path app = tree.resolve("src/app.log");
        assertThat(r.stdout().lines()).containsExactly(app + ":2:17 SSN", app + ":2:34 EMAIL");
        assertThat(r.stderr()).contains("skipped binary file: " + tree.resolve("image.bin"));
        assertThat(r.stdout() + r.stderr()).doesNotContain("123-45-6789").doesNotContain("a.b@x.org").doesNotContain("leak.txt");

        RedactdProcess.Result clean = RedactdProcess.run("scan", tree.resolve("clean.txt").toString());
        assertThat(clean.exit()).as(clean.stderr()).isZero();
        assertThat(clean.stdout()).isEmpty();

        RedactdProcess.Result missing = RedactdProcess.run("scan", dir.resolve("nope").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.stderr()).contains("nope: no such file or directory");
    }

    /** bb7-ops #14: UTF-16 text was "binary", skipped, and the gate passed with exit 0. */
    @Test
    void scanReadsUtf16AndUtf32TextAndNeverCallsASkippedFileClean(@TempDir Path dir) throws Exception {
        String text = "first line\n\u00e9 \uD83D\uDE00 " + PHI_LINE + "\n";
        Path le = dir.resolve("export-le.txt");
        Files.write(le, text.getBytes(StandardCharsets.UTF_16LE)); // no BOM
        Path be = dir.resolve("export-be.txt");
        Files.write(be, concat(new byte[] {(byte) 0xFE, (byte) 0xFF}, text.getBytes(StandardCharsets.UTF_16BE)));
        Path u32 = dir.resolve("export-32.txt");
        Files.write(u32, concat(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0}, text.getBytes("UTF-32LE")));
        for (Path f : List.of(le, be, u32)) {
            RedactdProcess.Result r = RedactdProcess.run("scan", f.toString());
            assertThat(r.exit()).as(f + ": " + r.stderr()).isEqualTo(1);
            // Line 2, columns in characters: the emoji is one.
            assertThat(r.stdout().lines()).as(f.toString()).containsExactly(f + ":2:17 SSN", f + ":2:34 EMAIL");
            assertThat(r.stderr()).contains("scanned 1 file(s) (1 as UTF-16/UTF-32)");
        }

        Path bin = dir.resolve("image.bin");
        Files.write(bin, concat(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13}, "IHDR".getBytes(StandardCharsets.US_ASCII)));
        RedactdProcess.Result skipped = RedactdProcess.run("scan", bin.toString());
        assertThat(skipped.exit()).as("a skipped file is not clean: " + skipped.stderr()).isEqualTo(3);
        assertThat(skipped.stderr()).contains("skipped binary file: " + bin + " (not scanned)")
                .contains("1 binary file(s) were not scanned (exit 3");
        RedactdProcess.Result allowed = RedactdProcess.run("scan", "--allow-binary", bin.toString());
        assertThat(allowed.exit()).as(allowed.stderr()).isZero();
        assertThat(allowed.stderr()).contains("skipped binary file: " + bin);
        RedactdProcess.Result mixed = RedactdProcess.run("scan", bin.toString(), le.toString());
        assertThat(mixed.exit()).as("findings outrank skipped files").isEqualTo(1);

        RedactdProcess.Result help = RedactdProcess.run("scan", "--help");
        assertThat(help.stdout()).contains("UTF-16").contains("--allow-binary").contains("3 nothing found");
    }

    @Test
    void redactTranscodesUtf16FilesAndStdinToUtf8(@TempDir Path dir) throws Exception {
        String text = "first line\r\n" + PHI_LINE + "\n";
        Path le = dir.resolve("export.txt");
        Files.write(le, text.getBytes(StandardCharsets.UTF_16LE));
        RedactdProcess.Result file = RedactdProcess.run("redact", le.toString());
        assertThat(file.exit()).as(file.stderr()).isZero();
        assertThat(file.stdout()).isEqualTo("first line\r\npatient ssn [REDACTED:SSN] mail [REDACTED:EMAIL]\n");
        assertThat(file.stderr()).contains(le + ": UTF-16LE text, written as UTF-8");

        byte[] withBom = concat(new byte[] {(byte) 0xFE, (byte) 0xFF}, text.getBytes(StandardCharsets.UTF_16BE));
        RedactdProcess.Result stdin = RedactdProcess.run(withBom, "redact");
        assertThat(stdin.exit()).as(stdin.stderr()).isZero();
        assertThat(stdin.stdout()).isEqualTo("first line\r\npatient ssn [REDACTED:SSN] mail [REDACTED:EMAIL]\n");
    }

    /** bb7-ops #16: "cannot read /tmp: IOException". */
    @Test
    void unreadablePathsAreExplainedInWords(@TempDir Path dir) throws Exception {
        RedactdProcess.Result directory = RedactdProcess.run("redact", dir.toString());
        assertThat(directory.exit()).isEqualTo(2);
        assertThat(directory.stderr()).contains("cannot read " + dir + ": is a directory").doesNotContain("Exception");
        RedactdProcess.Result missing = RedactdProcess.run("redact", dir.resolve("nope.log").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.stderr()).contains("cannot read " + dir.resolve("nope.log") + ": no such file or directory")
                .doesNotContain("Exception");
        Path loop = dir.resolve("loop");
        Files.createSymbolicLink(loop, loop);
        RedactdProcess.Result looped = RedactdProcess.run("scan", loop.toString());
        assertThat(looped.exit()).isEqualTo(2);
        assertThat(looped.stderr()).contains(loop + ": cannot read: ").doesNotContain("Exception");
    }

    @Test
    void checkConfigReportsEveryProblemWithLineAndExits2(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                inputs:
                  - type: stdin
                    batch_max_events: -1
                outputs:
                  - type: file
                    mode: fast
                """);
        RedactdProcess.Result r = RedactdProcess.run("check-config", bad.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("inputs[0].batch_max_events: must be between 1 and 100000, got -1 (line 3)")
                .contains("outputs[0].mode: unknown key 'mode' (expected one of: path, max_bytes, max_files, fsync) (line 6)");

        Path good = dir.resolve("good.yaml");
        Files.writeString(good, "inputs: [{type: stdin}]\noutputs: [{type: stdout}]\ndetectors:\n  custom:\n"
                + "    - {id: acme, type: ACME_ID, pattern: 'ACME-[0-9]{6}'}\n");
        RedactdProcess.Result ok = RedactdProcess.run("check-config", good.toString());
        assertThat(ok.exit()).as(ok.stderr()).isZero();
        assertThat(ok.stdout()).startsWith(good + ": OK (1 input(s), 1 output(s)");
    }

    @Test
    void versionAndDetectorsList() throws Exception {
        RedactdProcess.Result v = RedactdProcess.run("version");
        assertThat(v.exit()).isZero();
        assertThat(v.stdout()).containsPattern("^redactd \\d+\\.\\d+\\.\\d+").containsPattern("engine: (hyperscan|portable)");
        RedactdProcess.Result d = RedactdProcess.run("detectors", "--engine", "portable");
        assertThat(d.exit()).isZero();
        assertThat(d.stdout().lines().findFirst()).hasValueSatisfying(h -> assertThat(h).startsWith("ID").contains("TYPE").contains("VALIDATOR"));
        assertThat(d.stdout()).containsPattern("(?m)^ssn\\S*\\s+SSN\\s+ssn\\s").contains("engine portable");
    }

    @Test
    void everySubcommandAnswersHelp() throws Exception {
        for (String cmd : List.of("run", "check-config", "demo", "redact", "scan", "detectors", "verify", "keygen")) {
            RedactdProcess.Result r = RedactdProcess.run(cmd, "--help");
            assertThat(r.exit()).as(cmd + ": " + r.stderr()).isZero();
            assertThat(r.stdout()).as(cmd).startsWith("Usage: redactd " + cmd).contains("-h, --help");
        }
    }

    @Test
    void aUsageErrorSaysWhatIsWrongAndWhereTheHelpIsWithoutPrintingAllOfIt() throws Exception {
        RedactdProcess.Result r = RedactdProcess.run("verify", "--retaind", "out.ndjson");
        assertThat(r.exit()).as(r.stderr()).isEqualTo(2);
        assertThat(r.stderr()).contains("Unknown option: '--retaind'").contains("--retained")
                .contains("Try 'redactd verify --help'").doesNotContain("Usage:");
        assertThat(r.stderr().lines().count()).as(r.stderr()).isLessThan(8);
        RedactdProcess.Result missing = RedactdProcess.run("check-config");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.stderr()).contains("Missing required parameter").contains("Try 'redactd check-config --help'");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static String read(Path p) throws IOException {
        return Files.readString(p);
    }
}
