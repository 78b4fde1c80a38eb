package io.redactd.daemon.config;

import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.redact.LineRedactor;
import io.redactd.outputs.file.FileOutputConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigLoaderTest {
    private static ConfigLoader.Result load(String yaml, Map<String, String> env) {
        return new ConfigLoader(ComponentRegistry.builtIn(), env).load(yaml);
    }

    private static List<String> problems(String yaml) {
        return load(yaml, Map.of()).problems().stream().map(Problem::toString).toList();
    }

    @Test
    void admissionBudgetKeysAreCheckedWithPathAndLine() {
        String base = """
                inputs:
                  - type: stdin
                outputs:
                  - type: stdout
                pipeline:
                """;
        assertThat(problems(base + "  max_admitted_bytes: 1000\n  resume_admitted_bytes: 5000\n  admited: 1\n"))
                .contains("pipeline.max_admitted_bytes: must be at least 4194304 (4 MiB), got 1000 (line 6)",
                        "pipeline.resume_admitted_bytes: must be at least 0 and below max_admitted_bytes (1000), got 5000"
                                + " (line 7)")
                .anySatisfy(m -> assertThat(m).startsWith("pipeline.admited: unknown key 'admited'").endsWith("(line 8)"));
        assertThat(problems(base + "  resume_admitted_bytes: 5000\n"))
                .contains("pipeline.resume_admitted_bytes: needs max_admitted_bytes to be set too (line 6)");
        ConfigLoader.Result ok = load(base + "  max_admitted_bytes: 16777216\n", Map.of());
        assertThat(ok.problems()).isEmpty();
        assertThat(ok.config().pipeline().admissionBudget().highWater()).isEqualTo(16L << 20);
        assertThat(ok.config().pipeline().admissionBudget().lowWater()).isEqualTo(8L << 20);
    }

    @Test
    void validConfigBindsEverySectionWithDefaults() {
        ConfigLoader.Result r = load("""
                inputs:
                  - type: stdin
                outputs:
                  - id: out
                    type: file
                    path: /tmp/x.ndjson
                    max_files: 2
                state_dir: /tmp/state
                """, Map.of());
        assertThat(r.problems()).isEmpty();
        RedactdConfig c = r.config();
        assertThat(c.inputs()).singleElement().satisfies(i -> assertThat(i.id()).isEqualTo("stdin_0"));
        FileOutputConfig out = (FileOutputConfig) c.outputs().get(0).config();
        assertThat(out.maxFiles()).isEqualTo(2);
        assertThat(out.maxBytes()).isEqualTo(FileOutputConfig.DEFAULT_MAX_BYTES);
        assertThat(c.admin().host()).isEqualTo("127.0.0.1");
        assertThat(c.admin().port()).isEqualTo(9780);
        assertThat(c.detection().engine()).isEqualTo(EngineChoice.AUTO);
        assertThat(c.stateDir()).isEqualTo(Path.of("/tmp/state"));
    }

    @Test
    void reportsEveryProblemWithPathAndLine() {
        List<String> p = problems("""
                inputs:
                  - type: stdin
                    batch_max_events: 0
                  - type: kafka
                outputs:
                  - type: file
                    max_files: 2
                  - type: stdout
                    colour: true
                detectors:
                  engine: turbo
                  actions:
                    SSN: shred
                admin:
                  listen: localhost
                extra: 1
                """);
        assertThat(p).containsExactly(
                "inputs[0].batch_max_events: must be between 1 and 100000, got 0 (line 3)",
                "inputs[1].type: unknown type 'kafka' (one of: file, http, stdin, syslog) (line 4)",
                "outputs[0].path: no output file given (line 6)",
                "outputs[1].colour: unknown key 'colour' (this section takes no keys) (line 9)",
                "detectors.engine: must be auto, hyperscan or portable, got 'turbo' (line 11)",
                "detectors.actions.SSN: action must be mask, partial, tokenize or drop, got 'shred' (line 13)",
                "admin.listen: expected host:port such as 127.0.0.1:9780, got 'localhost' (line 15)",
                "extra: unknown key 'extra' (expected one of: inputs, outputs, detectors, alerts, integrity, admin, "
                        + "pipeline, buffer, state_dir) (line 16)");
    }

    @Test
    void unknownNestedKeysAreAllReportedAndNamed() {
        List<String> p = problems("""
                inputs: [{type: stdin, max_line_byte: 4096, batchmax: 3}]
                outputs: [{type: stdout}]
                detectors:
                  custom:
                    - id: acme
                      type: ACME_ID
                      pattern: 'ACME-[0-9]{6}'
                      contxt: [acme]
                """);
        assertThat(p).hasSize(3);
        assertThat(p.get(0)).startsWith("inputs[0].max_line_byte: unknown key 'max_line_byte' (expected one of: max_line_bytes,");
        assertThat(p.get(1)).startsWith("inputs[0].batchmax: unknown key 'batchmax'").endsWith("(line 1)");
        assertThat(p.get(2)).startsWith("detectors.custom[0].contxt: unknown key 'contxt' (expected one of: id, type, pattern, validator, context, action)")
                .endsWith("(line 8)");
    }

    @Test
    void typeMismatchNamesTheExpectedTypeAndNotTheValue() {
        List<String> p = problems("""
                inputs: [{type: stdin}]
                outputs:
                  - type: file
                    path: /tmp/o
                    max_bytes: s3cr3t-looking-value
                """);
        assertThat(p).containsExactly("outputs[0].max_bytes: expected a whole number (line 5)");
    }

    @Test
    void twoListenersOnOnePortAreRefusedNamingBoth() {
        String share = ": two listeners on one port would each get every other connection; give each its own port";
        assertThat(problems("""
                inputs:
                  - type: http
                    insecure: true
                    listen: 0.0.0.0:8088
                    tokens: [{source: a, sha256: "%1$s"}]
                  - type: http
                    insecure: true
                    listen: 127.0.0.1:8088
                    tokens: [{source: b, sha256: "%1$s"}]
                  - type: syslog
                    insecure: true
                    listen: localhost:9780
                outputs: [{type: stdout}]
                """.formatted("0".repeat(64)))).containsExactlyInAnyOrder(
                "inputs[1].listen: port 8088 is also taken by inputs[0].listen" + share + " (line 8)",
                "admin.listen: port 9780 is also taken by inputs[2].listen" + share);
        // Other hosts, UDP beside TCP, port 0 (any free port) and a disabled admin listener do not clash.
        assertThat(problems("""
                inputs:
                  - type: syslog
                    insecure: true
                    listen: 127.0.0.1:6514
                    udp: true
                  - type: syslog
                    insecure: true
                    listen: 127.0.0.2:6514
                  - {type: syslog, insecure: true, listen: 127.0.0.1:0}
                  - {type: syslog, insecure: true, listen: 127.0.0.1:0}
                  - {type: syslog, insecure: true, listen: 127.0.0.1:9780}
                admin: {enabled: false}
                outputs: [{type: stdout}]
                """)).isEmpty();
    }

    @Test
    void missingSectionsAndDuplicatesAndIds() {
        List<String> p = problems("""
                inputs:
                  - {id: a, type: stdin}
                  - {id: a, type: stdin}
                  - {id: 'bad id', type: stdin}
                admin: {listen: 127.0.0.1:70000}
                admin: {listen: 127.0.0.1:1}
                """);
        assertThat(p).containsExactly(
                "outputs: at least one entry is required",
                "inputs[1].id: duplicate id 'a' in inputs (line 3)",
                "inputs[2].id: ids are 1-64 letters, digits, '_', '.' or '-', got 'bad id' (line 4)",
                "admin.listen: port must be a number from 0 to 65535, got '70000' (line 5)",
                "admin: duplicate key (line 6)");
    }

    @Test
    void yamlSyntaxErrorHasItsLine() {
        List<String> p = problems("""
                inputs:
                  - type: stdin
                outputs: [type: stdout
                state_dir: /x
                """);
        assertThat(p).containsExactly("not valid YAML: while parsing a flow sequence; expected ',' or ']', but got : (line 4)");
    }

    @Test
    void environmentAndFileSubstitution(@TempDir Path tmp) throws IOException {
        Path secret = tmp.resolve("out-path");
        Files.writeString(secret, "  " + tmp.resolve("events.ndjson") + "\n\n");
        ConfigLoader.Result r = load("""
                inputs: [{type: stdin}]
                outputs:
                  - type: file
                    path: ${file:%s}
                    max_files: ${KEEP:-7}
                  - type: stdout
                state_dir: ${STATE}/sub
                admin:
                  listen: 127.0.0.1:${PORT:-9780}
                """.formatted(secret), Map.of("STATE", "/srv/state", "PORT", "9999"));
        assertThat(r.problems()).isEmpty();
        FileOutputConfig out = (FileOutputConfig) r.config().outputs().get(0).config();
        assertThat(out.path()).isEqualTo(tmp.resolve("events.ndjson").toString());
        assertThat(out.maxFiles()).isEqualTo(7);
        assertThat(r.config().stateDir()).isEqualTo(Path.of("/srv/state/sub"));
        assertThat(r.config().admin().port()).isEqualTo(9999);
    }

    @Test
    void unresolvableSubstitutionsAreProblemsAtTheirPath(@TempDir Path tmp) {
        List<String> p = load("""
                inputs: [{type: stdin}]
                outputs:
                  - type: file
                    path: ${OUT_FILE}
                  - type: file
                    id: two
                    path: ${file:%s}
                state_dir: $${literal}
                """.formatted(tmp.resolve("missing")), Map.of()).problems().stream().map(Problem::toString).toList();
        assertThat(p).containsExactly(
                "outputs[0].path: environment variable OUT_FILE is not set (use ${OUT_FILE:-default} for a default) (line 4)",
                "outputs[1].path: cannot read ${file:" + tmp.resolve("missing") + "}: no such file (line 7)");
    }

    @Test
    void problemsNeverEchoAValueThatCameFromASubstitution(@TempDir Path tmp) throws IOException {
        Path tok = tmp.resolve("tok.txt");
        Files.writeString(tok, "SuperSecretToken-4f9a2c\n");
        Map<String, String> env = Map.of("FSYNC", "EnvSecretFsync", "ENGINE", "EnvSecretEngine", "PORT", "99999",
                "LINE", "134217728", "HOST", "EnvSecretHost", "BACKOFF", "500000");
        List<String> p = load("""
                inputs:
                  - type: stdin
                    max_line_bytes: ${LINE}
                  - type: syslog
                    insecure: true
                    listen: ${HOST}
                outputs:
                  - type: elasticsearch
                    endpoint: http://127.0.0.1:9200
                    dead_letter_path: /tmp/dead.ndjson
                    retry:
                      max_backoff_ms: ${BACKOFF}
                      initial_backoff_ms: 500001
                detectors:
                  engine: ${ENGINE}
                admin:
                  listen: "${file:%s}"
                buffer:
                  fsync: ${FSYNC}
                pipeline:
                  workers: 0
                integrity:
                  checkpoint_interval_ms: ${PORT}
                """.formatted(tok), env).problems().stream().map(Problem::toString).toList();
        assertThat(p).isNotEmpty().noneSatisfy(m -> assertThat(m).containsAnyOf("SuperSecretToken", "EnvSecret",
                "99999", "134217728", "500000"));
        assertThat(p).contains(
                "admin.listen: expected host:port such as 127.0.0.1:9780, got the value of ${file:" + tok + "} (line 17)",
                "buffer.fsync: must be 'always' or 'interval', got the value of ${FSYNC} (line 19)",
                "detectors.engine: must be auto, hyperscan or portable, got the value of ${ENGINE} (line 15)");
        assertThat(p).anySatisfy(m -> assertThat(m).startsWith("inputs[0].max_line_bytes: ").endsWith(
                ", got the value of ${LINE} (line 3)"));
        assertThat(p).anySatisfy(m -> assertThat(m).startsWith("inputs[1].listen: ").contains("the value of ${HOST}"));
        // A literal is still shown: it is what the operator wrote.
        assertThat(p).contains("pipeline.workers: must be between 1 and 256, got 0 (line 21)");
        assertThat(p).anySatisfy(m -> assertThat(m).startsWith("outputs[0].retry.initial_backoff_ms: ")
                .contains("the value of ${BACKOFF}"));
    }

    @Test
    void aMessageFoundAfterLoadingIsConcealedToo() {
        // Custom detectors are compiled after loading (check-config, start, SIGHUP): their errors go through the
        // result's conceal().
        ConfigLoader.Result r = load("""
                inputs: [{type: stdin}]
                outputs: [{type: stdout}]
                detectors:
                  custom:
                    - {id: acme, type: ACME_ID, pattern: "ACME-[0-9]{6}", validator: "${CHECK}"}
                """, Map.of("CHECK", "EnvSecretValidator"));
        assertThat(r.problems()).isEmpty();
        String message = org.assertj.core.api.Assertions.catchThrowable(
                () -> io.redactd.detectors.DetectionPlan.compile(r.config().detection())).getMessage();
        assertThat(message).contains("EnvSecretValidator");
        assertThat(r.conceal(message)).doesNotContain("EnvSecretValidator").contains("the value of ${CHECK}");
    }

    @Test
    void concealingKeepsLiteralsAndHidesPartialEchoesOfTheSubstitutedScalar() {
        List<String> p = load("""
                inputs: [{type: stdin}]
                outputs: [{type: stdout}]
                admin:
                  listen: 127.0.0.1:${PORT}
                """, Map.of("PORT", "70000")).problems().stream().map(Problem::toString).toList();
        assertThat(p).containsExactly(
                "admin.listen: port must be a number from 0 to 65535, got the value of '127.0.0.1:${PORT}' (line 4)");
    }

    @Test
    void perEventLimitsStopAtWhatDetectionAccepts() {
        // Detection refuses (and the pipeline drops) events over LineRedactor.MAX_EVENT_BYTES: a larger input limit
        // would read a 2 MB line only to lose it, so it is a config error.
        assertThat(LineRedactor.MAX_EVENT_BYTES).isEqualTo(1048576);
        List<String> p = problems("""
                inputs:
                  - type: file
                    paths: [/var/log/*.log]
                    max_line_bytes: 4194304
                    multiline: {mode: java, max_bytes: 2097152}
                  - type: stdin
                    max_line_bytes: 1048577
                  - type: syslog
                    insecure: true
                    max_frame_bytes: 67108864
                  - type: http
                    insecure: true
                    tokens: [{source: a, sha256: "%s"}]
                    max_line_bytes: 8388608
                outputs: [{type: stdout}]
                """.formatted("0".repeat(64)));
        String why = "must be at most 1048576 (the largest event detection accepts), got ";
        assertThat(p).containsExactly(
                "inputs[0].max_line_bytes: must be at most 1047552 (the largest event detection accepts, less the "
                        + "512 bytes on each side a piece of a longer line is scanned with), got 4194304 (line 4)",
                "inputs[0].multiline.max_bytes: " + why + "2097152 (line 5)",
                "inputs[1].max_line_bytes: " + why + "1048577 (line 7)",
                "inputs[2].max_frame_bytes: " + why + "67108864 (line 10)",
                "inputs[3].max_line_bytes: " + why + "8388608 (line 14)");
        assertThat(problems("""
                inputs:
                  - type: file
                    paths: [/var/log/*.log]
                    max_line_bytes: 1047552
                    multiline: {mode: java, max_bytes: 1048576}
                  - type: stdin
                    max_line_bytes: 1048576
                  - type: syslog
                    insecure: true
                    max_frame_bytes: 1048576
                outputs: [{type: stdout}]
                """)).isEmpty();
    }

    @Test
    void anOutputReachedThroughADirectoryLinkIsSeenToo(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path real = java.nio.file.Files.createDirectories(dir.resolve("lp"));
        Path link = java.nio.file.Files.createSymbolicLink(dir.resolve("lplink"), real);
        // the input globs the link, the output names the real directory; then the other way round
        for (String[] c : new String[][] {{link + "/*.log", real + "/loop.log"}, {real + "/*.log", link + "/loop.log"}}) {
            List<String> p = problems("""
                    inputs:
                      - type: file
                        paths: ["%s"]
                    outputs:
                      - type: file
                        path: "%s"
                    """.formatted(c[0], c[1]));
            assertThat(p).as(c[0] + " / " + c[1]).hasSize(1);
            assertThat(p.get(0)).startsWith("outputs[0].path: this file is read by inputs[0]").contains("(line 6)");
        }
    }

    @Test
    void anOutputFileThatAnInputReadsOrAnotherOutputWritesIsAProblem() {
        String cwd = Path.of("").toAbsolutePath().toString();
        List<String> p = problems("""
                inputs:
                  - type: file
                    paths: [/srv/in/*.log, /srv/app/app.log]
                  - type: file
                    paths: ["/srv/rot/*.[0-9]", "%s/rel/*.log"]
                outputs:
                  - type: file
                    path: /srv/in/out.log
                  - type: file
                    path: /srv/rot/out.ndjson
                    max_files: 2
                  - type: file
                    path: /srv/app/app.log-redacted
                  - type: file
                    path: rel/out.log
                  - type: file
                    path: /srv/out/a.ndjson
                  - type: file
                    path: /srv/out/../out/a.ndjson
                  - type: file
                    path: /srv/out/a.ndjson.1
                """.formatted(cwd));
        String loop = ": redactd would read its own output back, again and again, until the disk is full";
        String twice = ": every event would be written twice, and each output would rotate the other's events away";
        assertThat(p).containsExactly(
                "outputs[0].path: this file is read by inputs[0] (inputs[0].paths[0] matches it)" + loop + " (line 8)",
                "outputs[1].path: its rotated file (path.1) is read by inputs[1] (inputs[1].paths[0] matches it)" + loop
                        + " (line 10)",
                "outputs[2].path: this file is read by inputs[0] as a rotated generation of a file inputs[0].paths[1]"
                        + " matches" + loop + " (line 13)",
                "outputs[3].path: this file is read by inputs[1] (inputs[1].paths[1] matches it)" + loop + " (line 15)",
                "outputs[5].path: this file is also written by outputs[4].path" + twice + " (line 19)",
                "outputs[6].path: this file is also written by outputs[4] (its rotated file path.1)" + twice + " (line 21)");
        // Elsewhere, or left out by an exclude (rotations included), it is fine.
        assertThat(problems("""
                inputs:
                  - type: file
                    paths: [/srv/in/*]
                    exclude: ["out.ndjson*"]
                outputs:
                  - type: file
                    path: /srv/in/out.ndjson
                  - type: file
                    path: /srv/out/in.log
                  - type: stdout
                """)).isEmpty();
    }

    @Test
    void everyProblemOfAnInputIsReportedNotOnlyTheFirst() {
        assertThat(problems("""
                inputs:
                  - type: file
                    paths: [/var/log/*.log]
                    max_line_bytes: lots
                    start_at: never
                    colour: true
                    rotate_wait_ms: 1.5
                    poll_interval_ms: 1
                outputs:
                  - type: file
                    path: /tmp/out.ndjson
                    max_files: 2.5
                """)).containsExactly(
                "inputs[0].max_line_bytes: expected a whole number (line 4)",
                "inputs[0].start_at: expected one of: beginning, end (line 5)",
                "inputs[0].colour: unknown key 'colour' (expected one of: id, paths, exclude, start_at, max_line_bytes, "
                        + "multiline, format, poll_interval_ms, glob_interval_ms, batch_max_events, batch_max_bytes, "
                        + "max_batches_in_flight, rotate_wait_ms, checkpoint_interval_ms) (line 6)",
                "inputs[0].rotate_wait_ms: expected a whole number (line 7)",
                "inputs[0].poll_interval_ms: must be between 10 and 60000, got 1 (line 8)",
                "outputs[0].max_files: expected a whole number (line 12)");
    }

    @Test
    void tokenizationKeyFromFileOrEnvironment(@TempDir Path tmp) throws IOException {
        String key = "9f3c1e7a52d04b8e6a1f0c9d3b7e2a54"; // openssl rand -hex 16
        Path keyFile = tmp.resolve("key");
        Files.writeString(keyFile, key + "\n");
        ConfigLoader.Result fromFile = load("""
                inputs: [{type: stdin}]
                outputs: [{type: stdout}]
                detectors:
                  actions: {SSN: tokenize}
                  tokenization: {key_file: %s, key_id: k1}
                """.formatted(keyFile), Map.of());
        assertThat(fromFile.problems()).isEmpty();
        assertThat(new String(fromFile.config().detection().tokenKey())).isEqualTo(key);
        assertThat(fromFile.config().detection().tokenKeyId()).isEqualTo("k1");

        List<String> p = load("""
                inputs: [{type: stdin}]
                outputs: [{type: stdout}]
                detectors:
                  actions: {EMAIL: tokenize}
                  tokenization: {key_env: TOKEN_KEY, key_id: k2}
                """, Map.of("TOKEN_KEY", "short")).problems().stream().map(Problem::toString).toList();
        assertThat(p).containsExactly(
                "detectors.tokenization.key_env: the key is too short: at least 32 characters, 128 bits as hex (openssl rand -hex 32) (line 5)");
        assertThat(String.join("\n", p)).doesNotContain("short\"").doesNotContain(": short");

        List<String> noKey = problems("""
                inputs: [{type: stdin}]
                outputs: [{type: stdout}]
                detectors:
                  actions: {SSN: tokenize}
                """);
        assertThat(noKey).singleElement().asString().startsWith("detectors.actions.SSN: tokenize needs a key");
    }

    /**
     * The Secret template's placeholder (once shipped in kubernetes/secret.yaml) and other keys no generator made are
     * refused with the key's path and line, and the message holds no part of the key.
     */
    @Test
    void tokenizationKeysThatAreNotSecretAreRefused(@TempDir Path tmp) throws IOException {
        Map<String, String> refused = Map.of(
                "REPLACE_WITH_32_RANDOM_BYTES_BASE64", "placeholder",
                "changeme", "placeholder",
                "my-super-secret-tokenization-key-for-prod", "placeholder",
                "Kq8v", "too short",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "too few different characters",
                "abababababababababababababababababababab", "too few different characters",
                "0123456789abcdef0123456789abcdef", "run of 8",
                "hospital-a-key-2026/hospital-a-key-2026", "run of 8",
                "k3y-1234567890-qwerty-zxcvbnm-asdfghj", "run of 8");
        Path keyFile = tmp.resolve("tokenization.key");
        for (Map.Entry<String, String> bad : refused.entrySet()) {
            Files.writeString(keyFile, bad.getKey() + "\n");
            List<String> p = load("""
                    inputs: [{type: stdin}]
                    outputs: [{type: stdout}]
                    detectors:
                      actions: {SSN: tokenize}
                      tokenization: {key_file: %s, key_id: k1}
                    """.formatted(keyFile), Map.of()).problems().stream().map(Problem::toString).toList();
            assertThat(p).as(bad.getValue()).singleElement().asString()
                    .startsWith("detectors.tokenization.key_file: the key ").contains(bad.getValue()).endsWith("(line 5)");
            String message = p.get(0).substring("detectors.tokenization.key_file: ".length());
            for (int i = 0; i + 4 <= bad.getKey().length(); i++) {
                assertThat(message).as("no part of the key in the message").doesNotContain(bad.getKey().substring(i, i + 4));
            }
        }
        // The same rules for a key from the environment.
        assertThat(load("""
                inputs: [{type: stdin}]
                outputs: [{type: stdout}]
                detectors:
                  actions: {SSN: tokenize}
                  tokenization: {key_env: K, key_id: k1}
                """, Map.of("K", "REPLACE_WITH_32_RANDOM_BYTES_BASE64")).problems().stream().map(Problem::toString))
                .singleElement().asString().startsWith("detectors.tokenization.key_env: the key is a placeholder");
    }

    /** Keys from the documented generators pass: 16 and 32 random bytes as hex, 32 as base64, thousands of each. */
    @Test
    void randomTokenizationKeysPass() {
        java.security.SecureRandom random = new java.security.SecureRandom();
        for (int i = 0; i < 3000; i++) {
            byte[] sixteen = new byte[16];
            byte[] thirtyTwo = new byte[32];
            random.nextBytes(sixteen);
            random.nextBytes(thirtyTwo);
            for (String key : List.of(java.util.HexFormat.of().formatHex(sixteen), java.util.HexFormat.of().formatHex(thirtyTwo),
                    java.util.Base64.getEncoder().encodeToString(thirtyTwo))) {
                assertThat(TokenizationKeyCheck.problem(key)).as(key).isNull();
            }
        }
    }

    @Test
    void detectorsOnlyFileIsAcceptedForTheCli(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("d.yaml");
        Files.writeString(f, "detectors:\n  engine: portable\n");
        ConfigLoader.Result r = new ConfigLoader(ComponentRegistry.builtIn(), Map.of()).loadDetectorsOnly(f);
        assertThat(r.problems()).isEmpty();
        assertThat(r.config().detection().engine()).isEqualTo(EngineChoice.PORTABLE);
        assertThat(new ConfigLoader(ComponentRegistry.builtIn(), Map.of()).load(f).problems())
                .extracting(Problem::toString)
                .containsExactly("inputs: at least one entry is required", "outputs: at least one entry is required");
    }

    /** A component whose validate() returns "key: message" strings, registered the way the file input is. */
    record KeyedConfig(java.util.List<String> paths, Integer depth) {
        java.util.List<String> validate() {
            java.util.List<String> p = new java.util.ArrayList<>();
            if (paths == null || paths.isEmpty()) {
                p.add("paths: no file or glob given");
            } else if (!paths.get(0).startsWith("/")) {
                p.add("paths[0]: must be an absolute path or glob, got '" + paths.get(0) + "'");
            }
            if (depth != null && depth < 0) {
                p.add("depth: must not be negative");
            }
            return p;
        }
    }

    @Test
    void keyedValidatorsAndRegistryLineForNewInputKinds() {
        ComponentRegistry registry = ComponentRegistry.builtIn().input(new ComponentType<>("keyed", KeyedConfig.class,
                c -> ComponentType.keyed(c.validate()), (c, ctx) -> null));
        List<String> p = new ConfigLoader(registry, Map.of()).load("""
                inputs:
                  - type: keyed
                  - type: keyed
                    paths: [relative/*.log]
                    depth: -1
                outputs: [{type: stdout}]
                """).problems().stream().map(Problem::toString).toList();
        assertThat(p).containsExactly(
                "inputs[0].paths: no file or glob given (line 2)",
                "inputs[1].paths[0]: must be an absolute path or glob, got 'relative/*.log' (line 4)",
                "inputs[1].depth: must not be negative (line 5)");
    }

    @Test
    void bufferAndIntegritySectionsAreValidatedWithTheirPaths() {
        assertThat(problems("""
                inputs: [{type: stdin}]
                outputs: [{type: stdout}]
                buffer:
                  fsync: sometimes
                  fsync_interval_ms: 0
                integrity:
                  enabled: false
                  checkpoint_events: 0
                """)).containsExactly(
                "buffer.fsync: must be 'always' or 'interval', got 'sometimes' (line 4)",
                "buffer.fsync_interval_ms: must be between 1 and 60000, got 0 (line 5)",
                "integrity.checkpoint_events: must be between 1 and 100000000, got 0 (line 8)");
    }

    @Test
    void shippedExamplesLoadWithTheirVariablesAndNameTheMissingOnes() {
        ConfigLoader loader = new ConfigLoader(ComponentRegistry.builtIn(), Map.of("REDACTD_INPUT", "/var/log/app/*.log",
                "REDACTD_OUTPUT", "/tmp/out.ndjson", "REDACTD_STATE", "/tmp/state"));
        ConfigLoader.Result fileToFile = loader.load(Path.of("../config-examples/file-to-file.yaml"));
        assertThat(fileToFile.problems()).isEmpty();
        assertThat(fileToFile.config().inputs()).singleElement().satisfies(i -> assertThat(i.type().name()).isEqualTo("file"));
        assertThat(fileToFile.config().admin().port()).isEqualTo(9780);
        assertThat(loader.load(Path.of("../config-examples/quickstart.yaml")).problems()).isEmpty();
        // Integrity is on unless turned off; the buffer defaults to <state_dir>/buffer.
        assertThat(fileToFile.config().integrity().enabled()).isTrue();
        assertThat(fileToFile.config().buffer().inStateDir(Path.of("/tmp/state")).path()).isEqualTo("/tmp/state/buffer");
        ConfigLoader.Result toEs = new ConfigLoader(ComponentRegistry.builtIn(), Map.of("REDACTD_INPUT", "/var/log/app/*.log",
                "REDACTD_ES_URL", "http://127.0.0.1:9200", "REDACTD_STATE", "/tmp/state"))
                .load(Path.of("../config-examples/file-to-elasticsearch.yaml"));
        assertThat(toEs.problems()).isEmpty();
        assertThat(toEs.config().outputs()).singleElement().satisfies(o -> assertThat(o.type().name()).isEqualTo("elasticsearch"));

        List<String> unset = new ConfigLoader(ComponentRegistry.builtIn(), Map.of())
                .load(Path.of("../config-examples/file-to-file.yaml")).problems().stream().map(Problem::message).toList();
        assertThat(unset).hasSize(3).allSatisfy(m -> assertThat(m).startsWith("environment variable REDACTD_"));
    }
}

