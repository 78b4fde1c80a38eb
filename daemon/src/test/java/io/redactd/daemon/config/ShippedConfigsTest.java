package io.redactd.daemon.config;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every configuration we ship (config-examples/, the .deb's default) passes the same validation as
 * {@code redactd check-config}, given values for the variables it names: certificates made with openssl, secret files
 * that exist, writable directories. A shipped config that drifts from the schema fails here, not on a customer's host.
 */
class ShippedConfigsTest {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(REDACTD_[A-Z0-9_]+)");

    static Stream<Path> shippedConfigs() throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> examples = Files.list(Path.of("../config-examples"))) {
            examples.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(all::add);
        }
        all.add(Path.of("../packaging/src/deb/redactd.yaml"));
        assertThat(all).hasSizeGreaterThanOrEqualTo(9);
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("shippedConfigs")
    void passesCheckConfig(Path config, @TempDir Path dir) throws Exception {
        Map<String, String> env = new HashMap<>();
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout", key.toString(),
                "-out", cert.toString()).redirectErrorStream(true).start();
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).isZero();
        Path secret = Files.writeString(dir.resolve("secret"), "s3cr3t-token-for-the-test-0123456789abcdef");
        Files.createDirectories(dir.resolve("state"));
        Files.createDirectories(dir.resolve("logs"));
        TreeSet<String> names = new TreeSet<>();
        Matcher m = VARIABLE.matcher(Files.readString(config, StandardCharsets.UTF_8));
        while (m.find()) {
            names.add(m.group(1));
        }
        for (String name : names) {
            env.put(name, valueFor(name, dir, cert, key, secret));
        }
        ConfigLoader.Result r = new ConfigLoader(ComponentRegistry.builtIn(), env).load(config);
        assertThat(r.problems()).as("%s with %s", config, env.keySet()).isEmpty();
        assertThat(r.config().inputs()).as("inputs of %s", config).isNotEmpty();
        assertThat(r.config().outputs()).as("outputs of %s", config).isNotEmpty();
    }

    private static String valueFor(String name, Path dir, Path cert, Path key, Path secret) {
        if (name.endsWith("_PORT")) {
            return "0";
        }
        if (name.endsWith("_CERT") || name.endsWith("_CA")) {
            return cert.toString();
        }
        if (name.endsWith("_KEY")) {
            return key.toString();
        }
        if (name.endsWith("_SHA256")) {
            return "0".repeat(64);
        }
        if (name.endsWith("_FILE") || name.endsWith("_API_KEY") || name.endsWith("_TOKEN")) {
            return secret.toString();
        }
        if (name.endsWith("_URL")) {
            return "https://127.0.0.1:9200/hook";
        }
        if (name.endsWith("_DIR")) {
            return dir.toString();
        }
        if (name.endsWith("_STATE")) {
            return dir.resolve("state").toString();
        }
        if (name.endsWith("_INPUT")) {
            return dir.resolve("logs") + "/*.log";
        }
        if (name.endsWith("_OUTPUT")) {
            return dir.resolve("out.ndjson").toString();
        }
        if (name.endsWith("_INDEX")) {
            return "logs-test";
        }
        return "value";
    }
}
