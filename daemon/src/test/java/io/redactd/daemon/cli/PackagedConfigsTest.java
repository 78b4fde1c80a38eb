package io.redactd.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.redactd.daemon.config.ComponentRegistry;
import io.redactd.daemon.config.ConfigLoader;
import io.redactd.daemon.config.Problem;
import io.redactd.daemon.tls.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The redactd configs that ship inside deployment files pass check-config: the ConfigMap's {@code redactd.yaml}
 * (kubernetes/configmap.yaml) and the .deb's {@code /etc/redactd/redactd.yaml}. Each is checked as check-config does
 * (the daemon's own loader, then the detectors compiled), in the environment its deployment gives it: the pod's env
 * entries and volume mounts, with the Secret's keys as files (the mount paths moved under a scratch root), and the
 * unit's state directory. Every file the daemon writes must also sit on a path its deployment lets it write.
 */
class PackagedConfigsTest {
    private static final Path REPO = Path.of("..");
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void kubernetesConfigMapPassesCheckConfigInThePodsEnvironment(@TempDir Path root) throws IOException {
        JsonNode configMap = YAML.readTree(REPO.resolve("kubernetes/configmap.yaml").toFile());
        JsonNode pod = YAML.readTree(REPO.resolve("kubernetes/daemonset.yaml").toFile()).at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");
        String configPath = container.at("/args/2").asText();
        assertThat(configPath).as("the daemon's --config").startsWith("/etc/redactd/config/");

        // The pod's file system as the daemon sees it: each mount becomes a directory of the scratch root.
        Map<String, Path> mounts = new LinkedHashMap<>();
        List<String> writable = new ArrayList<>();
        for (JsonNode m : container.path("volumeMounts")) {
            Path dir = Files.createDirectories(root.resolve(m.path("name").asText()));
            mounts.put(m.path("mountPath").asText(), dir);
            if (!m.path("readOnly").asBoolean(false)) {
                writable.add(m.path("mountPath").asText());
            }
        }
        // The Secret's keys the pod mounts, with values of the right shape (the tokenization key from a generator).
        TestPki pki = new TestPki(Files.createDirectory(root.resolve("pki")));
        for (JsonNode volume : pod.path("volumes")) {
            if (volume.has("secret")) {
                Path dir = root.resolve(volume.path("name").asText());
                for (JsonNode item : volume.at("/secret/items")) {
                    String key = item.path("key").asText();
                    Path file = dir.resolve(item.path("path").asText());
                    switch (key) {
                        case "ca.crt" -> Files.copy(pki.ca(), file);
                        case "tokenization.key" -> Files.writeString(file, HexFormat.of().formatHex(random(32)) + "\n");
                        default -> Files.writeString(file, Base64.getEncoder().encodeToString(random(40)));
                    }
                }
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));

        String yaml = configMap.at("/data/" + Path.of(configPath).getFileName()).asText();
        assertThat(yaml).as("the ConfigMap holds the file --config names").isNotBlank();
        assertPassesCheckConfig(relocate(yaml, mounts), env);
        assertWritesOnlyUnder(yaml, writable, "a writable mount of the pod");
    }

    @Test
    void debianDefaultConfigPassesCheckConfigUnderTheUnit(@TempDir Path root) throws IOException {
        String yaml = Files.readString(REPO.resolve("packaging/src/deb/redactd.yaml"));
        List<String> writable = new ArrayList<>();
        for (String line : Files.readAllLines(REPO.resolve("systemd/redactd.service"))) {
            if (line.startsWith("ReadWritePaths=")) {
                writable.addAll(List.of(line.substring("ReadWritePaths=".length()).strip().split("\\s+")));
            }
        }
        assertThat(writable).containsExactly("/var/lib/redactd");
        // The unit's StateDirectory=redactd and the host's logs (read; absent files are waited for).
        Map<String, Path> paths = Map.of("/var/lib/redactd", Files.createDirectory(root.resolve("state")),
                "/var/log", Files.createDirectory(root.resolve("log")));
        assertPassesCheckConfig(relocate(yaml, paths), Map.of());
        assertWritesOnlyUnder(yaml, writable, "the unit's ReadWritePaths");
    }

    /** What check-config does: every problem of the loader, then the detectors compiled. */
    private static void assertPassesCheckConfig(String yaml, Map<String, String> env) {
        ConfigLoader.Result result = new ConfigLoader(ComponentRegistry.builtIn(), env).load(yaml);
        assertThat(result.problems().stream().map(Problem::toString)).as("check-config problems of\n" + yaml).isEmpty();
        assertThat(DetectionOptions.compile(result.config().detection()).detectors()).isNotEmpty();
    }

    /** state_dir and every file an output writes (path, dead_letter_path) lie under one of {@code writable}. */
    private static void assertWritesOnlyUnder(String yaml, List<String> writable, String what) throws IOException {
        JsonNode config = YAML.readTree(yaml);
        List<String> written = new ArrayList<>();
        written.add(config.path("state_dir").asText("/var/lib/redactd"));
        for (JsonNode output : config.path("outputs")) {
            for (String key : List.of("path", "dead_letter_path")) {
                if (output.has(key)) {
                    written.add(output.get(key).asText());
                }
            }
        }
        assertThat(written).allSatisfy(path -> assertThat(writable).as(path + " must be under " + what)
                .anyMatch(dir -> path.equals(dir) || path.startsWith(dir + "/")));
    }

    /** The config with each absolute deployment path moved to its scratch directory (one pass, longest path first). */
    private static String relocate(String yaml, Map<String, Path> paths) {
        String alternatives = String.join("|", paths.keySet().stream()
                .sorted(Comparator.comparingInt(String::length).reversed()).map(java.util.regex.Pattern::quote).toList());
        String out = java.util.regex.Pattern.compile("(?<=[\\s:\\[,'\"])(" + alternatives + ")(?=[/\\s'\",\\]]|$)",
                java.util.regex.Pattern.MULTILINE).matcher(yaml).replaceAll(m ->
                java.util.regex.Matcher.quoteReplacement(paths.get(m.group(1)).toAbsolutePath().toString()));
        assertThat(out).as("every deployment path relocated").isNotEqualTo(yaml);
        return out;
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
