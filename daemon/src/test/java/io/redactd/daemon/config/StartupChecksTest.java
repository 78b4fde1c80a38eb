package io.redactd.daemon.config;

import io.redactd.daemon.tls.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the daemon would refuse at start is a config problem with its path and line, so {@code check-config} (the same
 * loader) reports it: listener TLS files, alert target secrets, alert policy names, and every problem at once even
 * when a {@code ${...}} does not resolve.
 */
class StartupChecksTest {
    private static List<String> problems(String yaml, Map<String, String> env) {
        return new ConfigLoader(ComponentRegistry.builtIn(), env).load(yaml).problems().stream()
                .map(Problem::toString).toList();
    }

    private static String httpInput(String tls) {
        return """
                inputs:
                  - id: h
                    type: http
                    listen: "127.0.0.1:0"
                    tokens:
                      - {source: a, token: tok-aaaaaaaaaaaa}
                    tls: %s
                outputs:
                  - type: stdout
                """.formatted(tls);
    }

    @Test
    void listenerTlsFilesAreReadAndParsedAtValidation(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(dir);
        TestPki.Issued ec = pki.serverPkcs8Ec("ec");
        TestPki.Issued other = pki.serverPkcs8Ec("other");
        TestPki.Issued rsa = pki.server("rsa");
        TestPki.Issued sec1 = pki.serverEc("sec1");
        Path secret = Files.writeString(dir.resolve("secret.txt"), "NOT-A-KEY-BUT-A-SECRET-0123");
        String missing = dir.resolve("missing.pem").toString();

        // Valid pairs in every key form the listener accepts: no problem.
        for (TestPki.Issued ok : List.of(ec, rsa, sec1, new TestPki.Issued(rsa.cert(), pki.toPkcs1(rsa.key())))) {
            assertThat(problems(httpInput("{cert: %s, key: %s, client_ca: %s, client_auth: required}"
                    .formatted(ok.cert(), ok.key(), pki.ca())), Map.of())).as(ok.key().toString()).isEmpty();
        }
        assertThat(problems(httpInput("{cert: %s, key: %s, client_ca: %s, client_auth: required}"
                .formatted(missing, missing, missing)), Map.of())).containsExactlyInAnyOrder(
                "inputs[0].tls.cert: " + missing + ": no such file (line 7)",
                "inputs[0].tls.client_ca: " + missing + ": no such file (line 7)",
                "inputs[0].tls.key: " + missing + ": no such file (line 7)");
        // Not a key, not a certificate: named, never quoted.
        List<String> wrong = problems(httpInput("{cert: %s, key: %s, client_ca: %s, client_auth: optional}"
                .formatted(secret, secret, ec.key())), Map.of());
        assertThat(wrong).containsExactlyInAnyOrder(
                "inputs[0].tls.cert: " + secret + ": holds no PEM CERTIFICATE block (line 7)",
                "inputs[0].tls.client_ca: " + ec.key() + ": holds no PEM CERTIFICATE block (line 7)",
                "inputs[0].tls.key: " + secret + ": holds no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC"
                        + " PRIVATE KEY) (line 7)");
        assertThat(String.join("\n", wrong)).doesNotContain("NOT-A-KEY");
        // A key of another certificate (same algorithm, and another algorithm).
        assertThat(problems(httpInput("{cert: %s, key: %s}".formatted(ec.cert(), other.key())), Map.of()))
                .containsExactly("inputs[0].tls.key: " + other.key() + ": the private key does not belong to the"
                        + " certificate in " + ec.cert() + " (line 7)");
        assertThat(problems(httpInput("{cert: %s, key: %s}".formatted(ec.cert(), rsa.key())), Map.of()))
                .singleElement().asString().startsWith("inputs[0].tls.key: " + rsa.key() + ": the private key")
                .contains(ec.cert().toString());
        // A CERTIFICATE block that is not a certificate.
        Path junk = Files.writeString(dir.resolve("junk.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertThat(problems(httpInput("{cert: %s, key: %s}".formatted(junk, ec.key())), Map.of())).containsExactly(
                "inputs[0].tls.cert: " + junk + ": a CERTIFICATE block does not parse as an X.509 certificate (line 7)");
    }

    @Test
    void syslogTlsFilesAreCheckedEvenBesideABadListenAndADuplicateId(@TempDir Path dir) {
        String missing = dir.resolve("none.pem").toString();
        assertThat(problems("""
                inputs:
                  - {id: s, type: stdin}
                  - id: s
                    type: syslog
                    listen: "127.0.0.1:99999"
                    tls:
                      cert: %s
                      key: %s
                outputs:
                  - type: stdout
                """.formatted(missing, missing), Map.of())).containsExactly(
                "inputs[1].id: duplicate id 's' in inputs (line 3)",
                "inputs[1].listen: port must be 0..65535, got 99999 (line 5)",
                "inputs[1].tls.cert: " + missing + ": no such file (line 7)",
                "inputs[1].tls.key: " + missing + ": no such file (line 8)");
    }

    @Test
    void alertTargetSecretsAreReadAtValidationAndNeverEchoed(@TempDir Path dir) throws Exception {
        Path present = Files.writeString(dir.resolve("present"), "PRESENT-SECRET-VALUE-42");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        String none = dir.resolve("none").toString();
        String yaml = """
                inputs: [{type: stdin}]
                outputs: [{type: stdout}]
                alerts:
                  enabled: %s
                  targets:
                    - {id: w, type: webhook, url: "https://example.test/x", secret_file: %s}
                    - {id: pd, type: pagerduty, routing_key_file: %s}
                    - {id: pd2, type: pagerduty, routing_key_env: PD_KEY_NOT_SET}
                    - {id: w2, type: webhook, url: "https://example.test/y", secret_file: %s}
                    - {id: pd3, type: pagerduty, routing_key_env: PD_KEY}
                """;
        List<String> p = problems(yaml.formatted("true", none, empty, present), Map.of("PD_KEY", "ENV-SECRET-VALUE"));
        assertThat(p).containsExactly(
                "alerts.targets[0].secret_file: " + none + ": no such file (line 6)",
                "alerts.targets[1].routing_key_file: " + empty + ": is empty (line 7)",
                "alerts.targets[2].routing_key_env: environment variable PD_KEY_NOT_SET is not set (line 8)");
        assertThat(String.join("\n", p)).doesNotContain("PRESENT-SECRET").doesNotContain("ENV-SECRET");
        // Alerts off: the targets are not built, so their secrets are not needed.
        assertThat(problems(yaml.formatted("false", none, empty, present), Map.of())).isEmpty();
    }

    @Test
    void alertPolicyNamesMustBeKnownTypesAndInputIds() {
        List<String> p = problems("""
                inputs:
                  - {id: files, type: stdin}
                  - {type: stdin}
                outputs: [{type: stdout}]
                detectors:
                  custom:
                    - {id: acme, type: ACME_ID, pattern: "ACME-[0-9]{6}"}
                alerts:
                  severity: {SSN: critical, FOO: warning, ACME_ID: info}
                  sources:
                    - {input: files, types: [SSNN, CREDIT_CARD, ACME_ID]}
                    - {input: nosuch, expected: true}
                    - {input: stdin_1, types: [SSN]}
                """, Map.of());
        assertThat(p).hasSize(3);
        assertThat(p.get(0)).startsWith("alerts.severity.FOO: unknown PHI type 'FOO': no detector reports it (known: ")
                .contains("ACME_ID, ").contains(" SSN").endsWith(") (line 9)");
        assertThat(p.get(1)).startsWith("alerts.sources[0].types[0]: unknown PHI type 'SSNN': no detector reports it"
                + " (known: ").contains("CREDIT_CARD").endsWith(") (line 11)");
        assertThat(p.get(2)).isEqualTo("alerts.sources[1].input: no input has the id 'nosuch' (input ids: files,"
                + " stdin_1) (line 12)");
    }

    @Test
    void anAlertRuleOnATypeTheDetectorsSwitchOffIsRefused() {
        String never = "' is switched off in detectors (enable/disable): this rule could never alert";
        assertThat(problems("""
                inputs: [{id: files, type: stdin}]
                outputs: [{type: stdout}]
                detectors:
                  disable: [PHONE]
                alerts:
                  sources:
                    - {input: files, types: [SSN, PHONE]}
                """, Map.of())).containsExactly("alerts.sources[0].types[1]: PHI type 'PHONE" + never + " (line 7)");
        assertThat(problems("""
                inputs: [{id: files, type: stdin}]
                outputs: [{type: stdout}]
                detectors:
                  enable: [SSN]
                alerts:
                  sources:
                    - {input: files, types: [SSN, EMAIL]}
                """, Map.of())).containsExactly("alerts.sources[0].types[1]: PHI type 'EMAIL" + never + " (line 7)");
    }

    @Test
    void anUnresolvedSubstitutionDoesNotHideTheOtherProblems(@TempDir Path dir) {
        String missing = dir.resolve("missing-token").toString();
        List<String> p = problems("""
                inputs:
                  - id: files
                    type: file
                    paths: ["/tmp/[unclosed/*.log"]
                    start_at: sometimes
                outputs:
                  - type: file
                    path: ${NOPE_NOT_SET}
                  - type: elasticsearch
                    endpoint: "${file:%s}"
                    dead_letter_path: /tmp/dlq.ndjson
                admin:
                  listen: not-a-port
                """.formatted(missing), Map.of());
        assertThat(p).contains(
                "outputs[0].path: environment variable NOPE_NOT_SET is not set (use ${NOPE_NOT_SET:-default} for a"
                        + " default) (line 8)",
                "outputs[1].endpoint: cannot read ${file:" + missing + "}: no such file (line 10)",
                "inputs[0].start_at: expected one of: beginning, end (line 5)",
                "admin.listen: expected host:port such as 127.0.0.1:9780, got 'not-a-port' (line 13)");
        assertThat(p).anyMatch(s -> s.startsWith("inputs[0].paths[0]: invalid glob"));
    }
}
