package io.redactd.daemon.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.redactd.daemon.input.Input;
import io.redactd.detectors.DetectionSettings;
import io.redactd.outputs.ConfigProblem;
import io.redactd.outputs.Output;
import io.redactd.outputs.buffer.DiskBufferConfig;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Reads the YAML config, substitutes {@code ${...}}, binds every section and collects every problem (not just the
 * first) with its path and line. The same code runs for {@code check-config} and at start-up.
 */
public final class ConfigLoader {
    private static final List<String> TOP_LEVEL =
            List.of("inputs", "outputs", "detectors", "alerts", "integrity", "admin", "pipeline", "buffer", "state_dir");

    private final ComponentRegistry registry;
    private final Map<String, String> env;

    public ConfigLoader(ComponentRegistry registry, Map<String, String> env) {
        this.registry = registry;
        this.env = env;
    }

    /**
     * The config, or null when there were problems; problems are sorted by line.
     *
     * @param concealer hides values that came from {@code ${...}} in a message found later about this config
     */
    public record Result(RedactdConfig config, List<Problem> problems, UnaryOperator<String> concealer) {
        public Result(RedactdConfig config, List<Problem> problems) {
            this(config, problems, UnaryOperator.identity());
        }

        public boolean ok() {
            return problems.isEmpty();
        }

        /**
         * {@code message} (about this config but found after loading: a detector that does not compile, a start-up
         * failure) without any value that substitution put into the config, as problems are.
         */
        public String conceal(String message) {
            return concealer.apply(message);
        }
    }

    public Result load(Path file) {
        return load(file, true);
    }

    /**
     * For the CLI's {@code --config}: the same checks, but a file that has only a {@code detectors} section (no inputs
     * or outputs) is accepted too.
     */
    public Result loadDetectorsOnly(Path file) {
        return load(file, false);
    }

    private Result load(Path file, boolean requireComponents) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return load(r, requireComponents);
        } catch (IOException e) {
            return new Result(null, List.of(new Problem("", "cannot read " + file + ": " + e.getClass().getSimpleName(), 0)));
        }
    }

    public Result load(String yaml) {
        return load(new StringReader(yaml), true);
    }

    private Result load(Reader yaml, boolean requireComponents) {
        ConfigTree tree = ConfigTree.parse(yaml, new Substitution(env));
        List<Problem> problems = new ArrayList<>(tree.problems());
        if (tree.unparsable()) {
            return finish(tree, null, problems);
        }
        ConfigBinder binder = new ConfigBinder(tree, problems);
        JsonNode root = tree.root();
        if (!root.isObject()) {
            binder.report("", "the config must be a mapping with inputs, outputs, ...");
            return finish(tree, null, problems);
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!TOP_LEVEL.contains(key)) {
                binder.report(key, "unknown key '" + key + "' (expected one of: " + String.join(", ", TOP_LEVEL) + ")");
            }
        }
        List<Integer> inputIndexes = new ArrayList<>();
        List<Integer> outputIndexes = new ArrayList<>();
        List<ConfiguredComponent<?, Input>> inputs = components(binder, root, "inputs", registry::inputType, registry.inputNames(),
                requireComponents, inputIndexes);
        List<ConfiguredComponent<?, Output>> outputs = components(binder, root, "outputs", registry::outputType,
                registry.outputNames(), requireComponents, outputIndexes);
        OutputPaths.check(inputs, outputs, binder, inputIndexes, outputIndexes);
        DetectorsConfig detectors = binder.bind(root.get("detectors"), "detectors", DetectorsConfig.class, DetectorsConfig::validate);
        AlertsConfig alerts = binder.bind(root.get("alerts"), "alerts", AlertsConfig.class, AlertsConfig::validate);
        IntegrityConfig integrity = binder.bind(root.get("integrity"), "integrity", IntegrityConfig.class, IntegrityConfig::validate);
        AdminConfig admin = binder.bind(root.get("admin"), "admin", AdminConfig.class, AdminConfig::validate);
        ListenPorts.check(inputs, inputIndexes, admin, binder);
        PipelineConfig pipeline = binder.bind(root.get("pipeline"), "pipeline", PipelineConfig.class, PipelineConfig::validate);
        DiskBufferConfig buffer = binder.bind(root.get("buffer"), "buffer", DiskBufferConfig.class, DiskBufferConfig::validate);
        if (alerts != null) {
            Set<String> types = detectors == null ? null : detectors.knownTypes();
            alerts.crossCheck(env, types, ids(root.get("inputs")))
                    .forEach(p -> binder.report("alerts." + p.path(), p.message()));
            if (detectors != null) {
                alerts.switchedOff(detectors.switchedOffTypes())
                        .forEach(p -> binder.report("alerts." + p.path(), p.message()));
            }
        }
        Path stateDir = stateDir(binder, root.get("state_dir"));
        DetectionSettings detection = detectors == null ? null : settings(binder, detectors);
        if (!problems.isEmpty()) {
            return finish(tree, null, problems);
        }
        return finish(tree, new RedactdConfig(inputs, outputs, detectors, detection, alerts, integrity, admin, pipeline, buffer, stateDir),
                problems);
    }

    private static Result finish(ConfigTree tree, RedactdConfig config, List<Problem> problems) {
        // One problem per path: a failed ${...} would otherwise also be reported as the empty value it left behind.
        Set<String> seen = new HashSet<>();
        List<Problem> sorted = new ArrayList<>();
        for (Problem p : problems) {
            if (p.path().isEmpty() || seen.add(p.path())) {
                // Every problem passes here, whoever found it: none may echo a value that came from ${...}.
                sorted.add(tree.conceal(p));
            }
        }
        sorted.sort((a, b) -> Integer.compare(a.line(), b.line()));
        return new Result(config, List.copyOf(sorted), tree::conceal);
    }

    private <T> List<ConfiguredComponent<?, T>> components(ConfigBinder binder, JsonNode root, String section,
                                                          Function<String, Optional<ComponentType<?, T>>> lookup,
                                                          Set<String> known, boolean required, List<Integer> indexes) {
        List<ConfiguredComponent<?, T>> out = new ArrayList<>();
        JsonNode list = root.get(section);
        if (list == null || list.isNull() || (list.isArray() && list.isEmpty())) {
            if (required) {
                binder.report(section, "at least one entry is required");
            }
            return out;
        }
        if (!list.isArray()) {
            binder.report(section, "expected a list of components (each with a type:)");
            return out;
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String path = ConfigTree.index(section, i);
            JsonNode entry = list.get(i);
            if (!entry.isObject()) {
                binder.report(path, "expected a mapping with a type:");
                continue;
            }
            ObjectNode node = ((ObjectNode) entry).deepCopy();
            JsonNode typeNode = node.remove("type");
            JsonNode idNode = node.remove("id");
            if (typeNode == null || !typeNode.isTextual() || typeNode.asText().isEmpty()) {
                binder.report(ConfigTree.child(path, "type"), "no type given (one of: " + String.join(", ", known) + ")");
                continue;
            }
            String typeName = typeNode.asText();
            Optional<ComponentType<?, T>> type = lookup.apply(typeName);
            if (type.isEmpty()) {
                binder.report(ConfigTree.child(path, "type"), "unknown type '" + typeName + "' (one of: " + String.join(", ", known) + ")");
                continue;
            }
            String id = idNode == null ? typeName + "_" + i : idNode.asText();
            if (!id.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
                binder.report(ConfigTree.child(path, "id"), "ids are 1-64 letters, digits, '_', '.' or '-', got '" + id + "'");
                continue;
            }
            boolean duplicate = !ids.add(id);
            if (duplicate) {
                binder.report(ConfigTree.child(path, "id"), "duplicate id '" + id + "' in " + section);
            }
            // A duplicate is still bound and validated: its other problems are reported in the same run.
            ConfiguredComponent<?, T> c = bind(binder, type.get(), id, node, path);
            if (c != null && !duplicate) {
                out.add(c);
                indexes.add(i); // its place in the file, for problems found across sections
            }
        }
        return out;
    }

    private static <C, T> ConfiguredComponent<C, T> bind(ConfigBinder binder, ComponentType<C, T> type, String id,
                                                         ObjectNode node, String path) {
        if (hasIdComponent(type.configClass())) {
            node.put("id", id);
        }
        C config = binder.bind(node, path, type.configClass(), type.validator());
        return config == null ? null : new ConfiguredComponent<>(id, type, config);
    }

    private static boolean hasIdComponent(Class<?> c) {
        if (!c.isRecord()) {
            return false;
        }
        for (var rc : c.getRecordComponents()) {
            if (rc.getName().equals("id")) {
                return true;
            }
        }
        return false;
    }

    /** Every id the {@code inputs} list gives (or defaults), whether or not its entry is valid. */
    private static Set<String> ids(JsonNode list) {
        Set<String> ids = new HashSet<>();
        if (list != null && list.isArray()) {
            for (int i = 0; i < list.size(); i++) {
                JsonNode e = list.get(i);
                if (e.isObject() && e.hasNonNull("id")) {
                    ids.add(e.get("id").asText());
                } else if (e.isObject() && e.path("type").isTextual()) {
                    ids.add(e.get("type").asText() + "_" + i);
                }
            }
        }
        return ids;
    }

    private static Path stateDir(ConfigBinder binder, JsonNode node) {
        if (node == null || node.isNull()) {
            return Path.of(RedactdConfig.DEFAULT_STATE_DIR);
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            binder.report("state_dir", "expected a directory path");
            return null;
        }
        return Path.of(node.asText());
    }

    private DetectionSettings settings(ConfigBinder binder, DetectorsConfig d) {
        byte[] key = null;
        String keyId = null;
        if (d.tokenization() != null && d.tokenization().validate().isEmpty()) {
            List<ConfigProblem> keyProblems = new ArrayList<>();
            key = d.tokenization().readKey(env, keyProblems);
            keyId = d.tokenization().keyId();
            keyProblems.forEach(p -> binder.report("detectors.tokenization." + p.path(), p.message()));
        }
        try {
            return new DetectionSettings(d.engineChoice(), Set.copyOf(d.enable()), Set.copyOf(d.disable()), d.actionMap(),
                    d.custom().stream().map(CustomDetectorConfig::toDetector).toList(), Map.copyOf(d.fieldRules()), key, keyId);
        } catch (RuntimeException e) {
            // Only reachable when validate() already reported the bad engine, action name or missing value.
            return null;
        }
    }
}
