package io.redactd.packaging.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.redactd.packaging.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every document in kubernetes/, parsed, and held to what the deployment promises: read-only node logs,
 * state on the node, Pod Security "restricted" controls for the daemon, probes, limits, priority,
 * all nodes, and a NetworkPolicy that lets in only metrics scrapes and lets out only DNS and outputs.
 */
class KubernetesManifestsTest {

    private static final Path DIR = Command.repo().resolve("kubernetes");
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final Map<String, JsonNode> BY_KIND = new HashMap<>();
    private static final List<JsonNode> DOCUMENTS = new ArrayList<>();

    @BeforeAll
    static void parseEveryDocument() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                if (file.getFileName().toString().equals("kustomization.yaml")) {
                    continue;
                }
                try (var parser = new YAMLFactory().createParser(file.toFile())) {
                    for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
                        assertThat(doc.path("apiVersion").asText()).as(file + " apiVersion").isNotEmpty();
                        assertThat(doc.path("kind").asText()).as(file + " kind").isNotEmpty();
                        assertThat(doc.path("metadata").path("name").asText()).as(file + " name").isNotEmpty();
                        assertThat(BY_KIND.put(doc.get("kind").asText(), doc)).as("one " + doc.get("kind")).isNull();
                        DOCUMENTS.add(doc);
                    }
                }
            }
        }
    }

    @Test
    void shipsEveryPieceInOneNamespace() {
        // No Secret: the operator creates it (see secretIsTheOperatorsAndNeverAPlaceholder).
        assertThat(BY_KIND.keySet()).containsExactlyInAnyOrder("Namespace", "ServiceAccount", "PriorityClass",
                "ConfigMap", "Service", "NetworkPolicy", "DaemonSet");
        for (JsonNode doc : DOCUMENTS) {
            String kind = doc.get("kind").asText();
            if (!kind.equals("Namespace") && !kind.equals("PriorityClass")) { // cluster-scoped
                assertThat(doc.at("/metadata/namespace").asText()).as(kind).isEqualTo("redactd");
            }
        }
    }

    @Test
    void kustomizeRendersExactlyTheseDocuments() throws IOException {
        // kubectl's built-in kustomize works offline (a client dry-run needs an API server, which CI lacks).
        Command.Result rendered = Command.run(Duration.ofSeconds(60), "kubectl", "kustomize", DIR.toString())
                .requireSuccess();
        Set<String> kinds = new HashSet<>();
        try (var parser = new YAMLFactory().createParser(rendered.stdout())) {
            for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
                kinds.add(doc.get("kind").asText());
            }
        }
        assertThat(kinds).isEqualTo(BY_KIND.keySet());
    }

    @Test
    void daemonContainerMeetsRestrictedPodSecurity() {
        JsonNode pod = podSpec();
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/runAsUser").asInt()).isPositive();
        assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
        assertThat(pod.path("hostNetwork").asBoolean(false)).isFalse();
        assertThat(pod.path("hostPID").asBoolean(false)).isFalse();

        JsonNode sc = container("redactd").path("securityContext");
        assertThat(sc.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(sc.path("runAsUser").asInt()).isEqualTo(containerfileUid());
        assertThat(sc.path("allowPrivilegeEscalation").isBoolean()).isTrue();
        assertThat(sc.path("allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(sc.path("privileged").asBoolean(false)).isFalse();
        assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(texts(sc.at("/capabilities/drop"))).containsExactly("ALL");
        assertThat(sc.at("/capabilities/add")).isInstanceOf(MissingNode.class);
        assertThat(sc.at("/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
    }

    /**
     * `kubectl apply -k` must never replace the operator's Secret: the kustomization ships none, no manifest holds a
     * placeholder value, and the keys the DaemonSet mounts are the keys the documented `kubectl create secret` makes.
     */
    @Test
    void secretIsTheOperatorsAndNeverAPlaceholder() throws IOException {
        String kustomization = Files.readString(DIR.resolve("kustomization.yaml"));
        assertThat(YAML.readTree(kustomization).path("resources").toString()).doesNotContain("secret");
        assertThat(YAML.readTree(kustomization).has("secretGenerator")).isFalse();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.toList()) {
                assertThat(Files.readString(file)).as(file + " holds a placeholder").doesNotContainIgnoringCase("REPLACE_WITH");
            }
        }
        List<String> keys = secretItems();
        assertThat(keys).containsExactlyInAnyOrder("elasticsearch-api-key", "ca.crt", "tokenization.key");
        // The Secret's name in the volume and in both places that tell the operator how to create it.
        String secretName = podSpec().at("/volumes").findParent("secretName").get("secretName").asText();
        for (Path doc : List.of(DIR.resolve("kustomization.yaml"), Command.repo().resolve("docs/deployment.md"))) {
            String text = Files.readString(doc);
            // The command with its continuation lines (a backslash at the end of a line).
            java.util.regex.Matcher create = java.util.regex.Pattern.compile(
                    "create secret generic " + secretName + "((?:\\\\\\n|[^\\n])*)").matcher(text);
            assertThat(create.find()).as(doc + " shows how to create the Secret").isTrue();
            List<String> created = new ArrayList<>();
            java.util.regex.Matcher key = java.util.regex.Pattern.compile("--from-file=([^=\\s]+)=").matcher(create.group(1));
            while (key.find()) {
                created.add(key.group(1));
            }
            assertThat(created).as(doc + ": the keys its command creates").containsExactlyInAnyOrderElementsOf(keys);
            // The tokenization key comes from a generator, never from text the operator types.
            assertThat(create.group(1)).contains("tokenization.key=<(openssl rand -hex 32)");
        }
    }

    /**
     * The init container runs as root on every start of the pod (restart, rollout, node reboot), so its command must
     * succeed whatever state the previous start left, with exactly the capabilities the manifest grants: run here
     * with those credentials (setpriv: uid 0, that bounding set, no_new_privs) on a directory kubelet just created
     * (root 0755), again on the result, and after the mode drifted; and each capability must be needed.
     */
    @Test
    void initContainerSucceedsOnEveryStartWithExactlyTheCapabilitiesItNeeds(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws IOException {
        JsonNode init = podSpec().at("/initContainers/0");
        List<String> caps = texts(init.at("/securityContext/capabilities/add"));
        String stateMount = init.at("/volumeMounts/0/mountPath").asText();
        Path state = tmp.resolve("state");
        List<String> command = texts(init.path("command")).stream().map(a -> a.replace(stateMount, state.toString())).toList();
        int uid = containerfileUid();

        Files.createDirectory(state); // as kubelet's DirectoryOrCreate: root-owned 0755
        Files.setPosixFilePermissions(state, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String start : List.of("first start", "second start", "third start")) {
            initAs(caps, command).requireSuccess();
            assertThat(ownerAndMode(state)).as(start).isEqualTo(uid + ":" + uid + ":700");
        }
        // The daemon (the owner) or an operator loosened the mode: the next start puts it back.
        Command.run(Duration.ofSeconds(10), "chmod", "0755", state.toString()).requireSuccess();
        initAs(caps, command).requireSuccess();
        assertThat(ownerAndMode(state)).as("after drift").isEqualTo(uid + ":" + uid + ":700");

        // Least privilege: without any one of the granted capabilities the first start fails.
        for (String cap : caps) {
            Command.run(Duration.ofSeconds(10), "chown", "0:0", state.toString()).requireSuccess();
            Command.run(Duration.ofSeconds(10), "chmod", "0755", state.toString()).requireSuccess();
            List<String> fewer = caps.stream().filter(c -> !c.equals(cap)).toList();
            assertThat(initAs(fewer, command).exit()).as("needs " + cap).isNotZero();
        }
    }

    private static Command.Result initAs(List<String> caps, List<String> command) {
        String set = "-all" + caps.stream().map(c -> ",+" + c.toLowerCase(java.util.Locale.ROOT)).reduce("", String::concat);
        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid=0", "--regid=0", "--clear-groups",
                "--inh-caps=" + set, "--bounding-set=" + set, "--no-new-privs"));
        argv.addAll(command);
        return Command.run(Duration.ofSeconds(10), argv);
    }

    private static String ownerAndMode(Path dir) {
        return Command.run(Duration.ofSeconds(10), "stat", "-c", "%u:%g:%a", dir.toString()).requireSuccess().stdout().strip();
    }

    @Test
    void theOnlyRootStepChownsTheStateDirectoryWithChownAlone() {
        JsonNode inits = podSpec().path("initContainers");
        assertThat(inits).hasSize(1);
        JsonNode init = inits.get(0);
        JsonNode sc = init.path("securityContext");
        assertThat(sc.path("runAsUser").asInt(-1)).isZero();
        assertThat(texts(sc.at("/capabilities/drop"))).containsExactly("ALL");
        assertThat(texts(sc.at("/capabilities/add"))).containsExactly("CHOWN");
        assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(sc.at("/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
        assertThat(init.path("volumeMounts")).hasSize(1);
        assertThat(init.at("/volumeMounts/0/name").asText()).isEqualTo("state");
        assertThat(String.join(" ", texts(init.path("command"))))
                .contains("chown " + containerfileUid() + ":" + containerfileUid() + " /var/lib/redactd");
    }

    @Test
    void readsNodeLogsReadOnlyAndKeepsStateOnTheNode() {
        Map<String, JsonNode> volumes = new HashMap<>();
        podSpec().path("volumes").forEach(v -> volumes.put(v.get("name").asText(), v));
        Map<String, JsonNode> mounts = new HashMap<>();
        container("redactd").path("volumeMounts").forEach(m -> mounts.put(m.get("name").asText(), m));

        for (String logs : List.of("/var/log/pods", "/var/log/containers")) {
            String name = logs.substring(logs.lastIndexOf('/') + 1);
            assertThat(volumes.get(name).at("/hostPath/path").asText()).isEqualTo(logs);
            assertThat(mounts.get(name).path("mountPath").asText()).isEqualTo(logs);
            assertThat(mounts.get(name).path("readOnly").asBoolean()).as(logs + " read-only").isTrue();
        }
        assertThat(volumes.get("state").at("/hostPath/path").asText()).isEqualTo("/var/lib/redactd");
        assertThat(mounts.get("state").path("mountPath").asText()).isEqualTo(stateDirInConfig());
        assertThat(mounts.get("state").path("readOnly").asBoolean(false)).isFalse();
        // Writable places are exactly the state directory and the scratch /tmp.
        assertThat(mounts.values().stream().filter(m -> !m.path("readOnly").asBoolean(false))
                .map(m -> m.get("mountPath").asText())).containsExactlyInAnyOrder("/var/lib/redactd", "/tmp");
        assertThat(volumes.get("tmp").has("emptyDir")).isTrue();
        assertThat(volumes.get("secrets").at("/secret/secretName").asText()).isEqualTo("redactd-secrets");
        assertThat(volumes.get("config").at("/configMap/name").asText())
                .isEqualTo(BY_KIND.get("ConfigMap").at("/metadata/name").asText());
        assertThat(volumes.get("secrets").at("/secret/defaultMode").asInt()).isEqualTo(0440);
    }

    @Test
    void probesResourcesPriorityAndTolerations() {
        JsonNode c = container("redactd");
        assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
        assertThat(c.at("/livenessProbe/httpGet/port").asText()).isEqualTo("metrics");
        assertThat(c.at("/ports/0/name").asText()).isEqualTo("metrics");
        assertThat(c.at("/ports/0/containerPort").asInt()).isEqualTo(9780);
        for (String resource : List.of("cpu", "memory")) {
            assertThat(c.at("/resources/requests/" + resource).asText()).as("request " + resource).isNotEmpty();
            assertThat(c.at("/resources/limits/" + resource).asText()).as("limit " + resource).isNotEmpty();
        }
        JsonNode pod = podSpec();
        JsonNode priorityClass = BY_KIND.get("PriorityClass");
        assertThat(pod.path("priorityClassName").asText()).isEqualTo(priorityClass.at("/metadata/name").asText());
        assertThat(priorityClass.path("value").asInt()).isPositive().isLessThan(1_000_000_000);
        // operator Exists with no key tolerates every taint, so every node runs one.
        assertThat(pod.path("tolerations")).anySatisfy(t -> {
            assertThat(t.path("operator").asText()).isEqualTo("Exists");
            assertThat(t.has("key")).isFalse();
            assertThat(t.has("effect")).isFalse();
        });
        assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
        assertThat(pod.path("serviceAccountName").asText()).isEqualTo(BY_KIND.get("ServiceAccount").at("/metadata/name").asText());
        assertThat(texts(c.path("args"))).containsExactly("run", "--config", "/etc/redactd/config/redactd.yaml");
        assertThat(mountPathOf("config")).isEqualTo("/etc/redactd/config");
    }

    @Test
    void headlessServiceSelectsThePodsMetricsPort() {
        JsonNode service = BY_KIND.get("Service");
        assertThat(service.at("/spec/clusterIP").asText()).isEqualTo("None");
        assertThat(service.at("/spec/selector")).isEqualTo(daemonSet().at("/spec/template/metadata/labels"));
        assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo("metrics");
    }

    @Test
    void networkPolicyAdmitsOnlyScrapesAndReleasesOnlyDnsAndOutputs() {
        JsonNode policy = BY_KIND.get("NetworkPolicy");
        assertThat(policy.at("/spec/podSelector/matchLabels")).isEqualTo(daemonSet().at("/spec/template/metadata/labels"));
        assertThat(texts(policy.at("/spec/policyTypes"))).containsExactlyInAnyOrder("Ingress", "Egress");

        JsonNode ingress = policy.at("/spec/ingress");
        assertThat(ingress).hasSize(1);
        assertThat(ingress.at("/0/ports")).hasSize(1);
        assertThat(ingress.at("/0/ports/0/port").asInt()).isEqualTo(9780);
        assertThat(ingress.at("/0/from")).isNotEmpty(); // an empty "from" would admit everyone

        JsonNode egress = policy.at("/spec/egress");
        Set<Integer> ports = new HashSet<>();
        egress.forEach(rule -> {
            assertThat(rule.path("to")).as("egress rule without destinations allows everywhere").isNotEmpty();
            assertThat(rule.path("ports")).as("egress rule without ports allows every port").isNotEmpty();
            rule.path("ports").forEach(p -> ports.add(p.get("port").asInt()));
        });
        int esPort = Integer.parseInt(configValue("endpoint").replaceAll(".*:(\\d+).*", "$1"));
        assertThat(ports).containsExactlyInAnyOrder(53, esPort);
    }

    @Test
    void configMapTailsPodLogsInCriFormatWithSecretsFromTheSecret() throws IOException {
        JsonNode config = redactdConfig();
        JsonNode input = config.at("/inputs/0");
        assertThat(input.path("type").asText()).isEqualTo("file");
        assertThat(input.path("format").asText()).isEqualTo("cri");
        assertThat(texts(input.path("paths"))).containsExactly("/var/log/pods/**/*.log");
        assertThat(config.at("/admin/listen").asText()).endsWith(":9780");

        Set<String> secretKeys = new HashSet<>(secretItems());
        String secretsDir = mountPathOf("secrets") + "/";
        List<String> referenced = new ArrayList<>();
        collectPaths(config, secretsDir, referenced);
        assertThat(referenced).isNotEmpty();
        for (String path : referenced) {
            assertThat(secretKeys).as(path + " must be a key of the Secret").contains(path.substring(secretsDir.length()));
        }
    }

    @Test
    void imageIsATemurinJreRunningTheShadedJarAsTheDaemonSetUser() throws IOException {
        List<String> lines = Files.readAllLines(Command.repo().resolve("Containerfile"));
        assertThat(lines).contains("FROM eclipse-temurin:17-jre");
        assertThat(lines).anyMatch(l -> l.matches("COPY .*daemon/target/redactd\\.jar /opt/redactd/redactd\\.jar"));
        assertThat(lines).anyMatch(l -> l.startsWith("ENTRYPOINT [\"java\"") && l.contains("\"/opt/redactd/redactd.jar\"")
                // no collector: one named by the operator in JAVA_TOOL_OPTIONS would make two, and the JVM would not start
                && !l.contains("GC\""));
        assertThat(containerfileUid()).isEqualTo(podSpec().at("/securityContext/runAsUser").asInt()).isNotZero();
        // The build context is the jar alone, so no source, target/ or secret lying in the tree ends up in it.
        assertThat(Files.readAllLines(Command.repo().resolve(".dockerignore")))
                .containsSubsequence("*", "!daemon/target/redactd.jar");
        // The init container uses the same image, so no second image has to be trusted.
        assertThat(podSpec().at("/initContainers/0/image")).isEqualTo(container("redactd").path("image"));
    }

    /**
     * The image sizes the heap from the container limit: it must leave room for the JVM's memory outside the heap
     * (the limit kills the pod, not the JVM), and be no smaller than the 256 MiB the daemon was measured to run in.
     */
    @Test
    void heapFromTheImageFitsTheMemoryLimitWithRoomOutsideIt() throws IOException {
        String entrypoint = Files.readAllLines(Command.repo().resolve("Containerfile")).stream()
                .filter(l -> l.startsWith("ENTRYPOINT ")).findFirst().orElseThrow();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"-XX:MaxRAMPercentage=(\\d+)\"")
                .matcher(entrypoint);
        assertThat(m.find()).as("heap sized from the container limit: " + entrypoint).isTrue();
        assertThat(entrypoint).doesNotContain("-Xmx");
        long limitMi = mebibytes(container("redactd").at("/resources/limits/memory").asText());
        long heapMi = limitMi * Integer.parseInt(m.group(1)) / 100;
        assertThat(heapMi).as("heap of a " + limitMi + " MiB limit").isBetween(256L, limitMi - 384);
        assertThat(container("redactd").path("env").toString()).doesNotContain("-Xmx").doesNotContain("MaxRAM");
    }

    /** The keys of the operator's Secret the DaemonSet mounts (items: a missing key stops the pod, naming it). */
    private static List<String> secretItems() {
        for (JsonNode v : podSpec().path("volumes")) {
            if (v.has("secret")) {
                List<String> keys = new ArrayList<>();
                v.at("/secret/items").forEach(item -> {
                    assertThat(item.path("path").asText()).as("mounted under its own name").isEqualTo(item.path("key").asText());
                    keys.add(item.path("key").asText());
                });
                return keys;
            }
        }
        throw new AssertionError("no secret volume");
    }

    private static long mebibytes(String quantity) {
        if (quantity.endsWith("Gi")) {
            return Long.parseLong(quantity.substring(0, quantity.length() - 2)) * 1024;
        }
        assertThat(quantity).endsWith("Mi");
        return Long.parseLong(quantity.substring(0, quantity.length() - 2));
    }

    private static void collectPaths(JsonNode node, String prefix, List<String> out) {
        if (node.isTextual() && node.asText().startsWith(prefix)) {
            out.add(node.asText());
        }
        node.forEach(child -> collectPaths(child, prefix, out));
    }

    private static JsonNode redactdConfig() {
        try {
            return YAML.readTree(BY_KIND.get("ConfigMap").at("/data/redactd.yaml").asText());
        } catch (IOException e) {
            throw new AssertionError("redactd.yaml in the ConfigMap does not parse", e);
        }
    }

    private static String configValue(String field) {
        return redactdConfig().at("/outputs/0/" + field).asText();
    }

    private static String stateDirInConfig() {
        return redactdConfig().path("state_dir").asText();
    }

    private static String mountPathOf(String volume) {
        for (JsonNode m : container("redactd").path("volumeMounts")) {
            if (m.get("name").asText().equals(volume)) {
                return m.get("mountPath").asText();
            }
        }
        throw new AssertionError("no mount of volume " + volume);
    }

    /** The uid the image runs as (USER in the Containerfile). */
    private static int containerfileUid() {
        try {
            return Files.readAllLines(Command.repo().resolve("Containerfile")).stream()
                    .filter(l -> l.startsWith("USER "))
                    .map(l -> Integer.parseInt(l.substring(5).strip().split(":")[0]))
                    .findFirst().orElseThrow(() -> new AssertionError("Containerfile has no USER"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode daemonSet() {
        return BY_KIND.get("DaemonSet");
    }

    private static JsonNode podSpec() {
        return daemonSet().at("/spec/template/spec");
    }

    private static JsonNode container(String name) {
        for (JsonNode c : podSpec().path("containers")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no container " + name);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
