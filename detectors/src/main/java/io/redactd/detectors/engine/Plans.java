package io.redactd.detectors.engine;

import com.google.re2j.PatternSyntaxException;
import io.redactd.detectors.Action;
import io.redactd.detectors.CustomDetector;
import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.catalog.Catalog;
import io.redactd.detectors.catalog.DetectorSpec;
import io.redactd.detectors.redact.FieldRule;
import io.redactd.detectors.redact.RedactionPlan;
import io.redactd.detectors.validate.Validator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Gathers the detectors a configuration asks for, checks them, and compiles them with the chosen engine. */
public final class Plans {
    private static final Logger LOG = LoggerFactory.getLogger(Plans.class);
    private static final Pattern TYPE_NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,39}");
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
    private static final int CUSTOM_CONTEXT_WINDOW = 48;

    private Plans() {
    }

    public static DetectionPlan compile(DetectionSettings settings) {
        return compile(settings, Catalog.builtIn());
    }

    /** Compiles against an explicit catalog (tests; tools that ship their own). */
    public static DetectionPlan compile(DetectionSettings settings, List<DetectorSpec> catalog) {
        Objects.requireNonNull(settings, "settings");
        List<DetectorSpec> specs = select(settings, catalog);
        specs.addAll(custom(settings.custom(), catalog));
        Set<String> knownTypes = new HashSet<>();
        specs.forEach(s -> knownTypes.add(s.type()));
        checkTypes("actions", settings.actions().keySet(), knownTypes, settings);

        List<CompiledDetector> detectors = new ArrayList<>();
        List<CompiledPattern> patterns = new ArrayList<>();
        for (DetectorSpec spec : specs) {
            Action action = settings.actions().getOrDefault(spec.type(), spec.defaultAction());
            CompiledDetector d = CompiledDetector.of(detectors.size(), spec, action);
            detectors.add(d);
            for (String regex : spec.patterns()) {
                com.google.re2j.Pattern re2 = re2(spec.id(), regex);
                if (spec.valueGroup() > re2.groupCount()) {
                    throw new IllegalArgumentException("detector " + spec.id() + ": valueGroup " + spec.valueGroup()
                            + " but the pattern has " + re2.groupCount() + " groups");
                }
                patterns.add(new CompiledPattern(patterns.size(), d.index(), regex, maxLength(regex), re2));
            }
        }
        for (CompiledDetector d : detectors) {
            if (d.contextRequired()) {
                patterns.add(new CompiledPattern(patterns.size(), d.index(), contextRegex(d.spec().context()), -1,
                        null));
            }
        }
        List<FieldRule> rules = fieldRules(settings, specs);
        boolean tokenizes = detectors.stream().anyMatch(d -> d.action() == Action.TOKENIZE)
                || rules.stream().anyMatch(r -> r.action() == Action.TOKENIZE);
        if (tokenizes) {
            if (settings.tokenKey() == null || settings.tokenKey().length < 16) {
                throw new IllegalArgumentException(
                        "action tokenize needs a token key of at least 16 bytes (tokenization key file or env var)");
            }
            if (settings.tokenKeyId() == null || !KEY_ID.matcher(settings.tokenKeyId()).matches()) {
                throw new IllegalArgumentException("action tokenize needs a token key id of 1-32 characters "
                        + "[A-Za-z0-9_.-] (it is written into every token)");
            }
        }
        CandidateEngine engine = engine(settings.engine(), patterns, detectors);
        return new RedactionPlan(engine, detectors, patterns, rules, settings.tokenKey(), settings.tokenKeyId());
    }

    private static List<DetectorSpec> select(DetectionSettings settings, List<DetectorSpec> catalog) {
        Set<String> catalogTypes = new HashSet<>();
        catalog.forEach(s -> catalogTypes.add(s.type()));
        checkTypes("enabled types", settings.enabledTypes(), catalogTypes, settings);
        checkTypes("disabled types", settings.disabledTypes(), catalogTypes, settings);
        List<DetectorSpec> out = new ArrayList<>();
        for (DetectorSpec s : catalog) {
            boolean on = settings.enabledTypes().isEmpty() || settings.enabledTypes().contains(s.type());
            if (on && !settings.disabledTypes().contains(s.type())) {
                out.add(s);
            }
        }
        return out;
    }

    private static void checkTypes(String what, Set<String> types, Set<String> known, DetectionSettings settings) {
        Set<String> customTypes = new HashSet<>();
        settings.custom().forEach(c -> customTypes.add(c.type()));
        for (String t : types) {
            if (!known.contains(t) && !customTypes.contains(t)) {
                throw new IllegalArgumentException(what + ": unknown PHI type '" + t + "'; known: "
                        + known.stream().sorted().toList());
            }
        }
    }

    private static List<DetectorSpec> custom(List<CustomDetector> custom, List<DetectorSpec> catalog) {
        Map<String, Validator> validators = new LinkedHashMap<>();
        validators.put("none", Validator.NONE);
        for (DetectorSpec s : catalog) {
            validators.putIfAbsent(s.validatorName(), s.validator());
        }
        Set<String> ids = new HashSet<>();
        catalog.forEach(s -> ids.add(s.id()));
        List<DetectorSpec> out = new ArrayList<>();
        for (CustomDetector c : custom) {
            String id = c.id();
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("custom detector: id is required");
            }
            if (!ids.add(id)) {
                throw new IllegalArgumentException("custom detector " + id + ": id is already used");
            }
            if (c.type() == null || !TYPE_NAME.matcher(c.type()).matches()) {
                throw new IllegalArgumentException("custom detector " + id
                        + ": key 'type' must be an upper-case name such as ACME_ID ([A-Z][A-Z0-9_]*)");
            }
            if (c.pattern() == null || c.pattern().isEmpty()) {
                throw new IllegalArgumentException("custom detector " + id + ": key 'pattern' is required");
            }
            String vname = c.validator() == null ? "none" : c.validator();
            // Any built-in validator may back a custom detector (luhn included), not only those the catalog uses.
            Validator v = validators.get(vname);
            if (v == null && io.redactd.detectors.validate.Validators.names().contains(vname)) {
                v = io.redactd.detectors.validate.Validators.byName(vname);
            }
            if (v == null) {
                throw new IllegalArgumentException("custom detector " + id + ": key 'validator' names unknown validator '"
                        + vname + "'; known: " + io.redactd.detectors.validate.Validators.names());
            }
            List<String> context = c.context() == null ? List.of() : c.context().stream()
                    .map(w -> w.toLowerCase(java.util.Locale.ROOT)).toList();
            if (context.stream().anyMatch(String::isBlank)) {
                throw new IllegalArgumentException("custom detector " + id + ": key 'context' has an empty word");
            }
            Action action = c.action() == null ? Action.MASK : c.action();
            out.add(new DetectorSpec(id, c.type(), "custom detector", List.of(c.pattern()), 0, v, vname, context,
                    !context.isEmpty(), CUSTOM_CONTEXT_WINDOW, 0, action, DetectorSpec.Normalization.TEXT));
        }
        return out;
    }

    /**
     * The context words of a detector as one case-insensitive alternation, which the engines nominate like a pattern:
     * "does the line hold a context word" then costs nothing extra in the engine's single pass.
     */
    static String contextRegex(List<String> words) {
        StringBuilder sb = new StringBuilder("(?i)(?:");
        for (int i = 0; i < words.size(); i++) {
            if (i > 0) {
                sb.append('|');
            }
            words.get(i).toLowerCase(java.util.Locale.ROOT).codePoints().forEach(cp -> {
                if (cp < 128 && !Character.isLetterOrDigit(cp)) {
                    sb.append('\\');
                }
                sb.appendCodePoint(cp);
            });
        }
        return sb.append(')').toString();
    }

    private static int maxLength(String regex) {
        try {
            return ByteRegex.maxLength(ByteRegex.parse(regex));
        } catch (ByteRegex.Unsupported e) {
            return -1;
        }
    }

    private static com.google.re2j.Pattern re2(String id, String regex) {
        try {
            return com.google.re2j.Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("detector " + id + ": key 'pattern' is not a valid RE2 regex ("
                    + e.getDescription() + ")");
        }
    }

    private static List<FieldRule> fieldRules(DetectionSettings settings, List<DetectorSpec> specs) {
        List<FieldRule> rules = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(settings.fieldRules()).entrySet()) {
            String type = e.getValue();
            if (type == null || !TYPE_NAME.matcher(type).matches()) {
                throw new IllegalArgumentException("field rule '" + e.getKey()
                        + "': type must be an upper-case name such as SSN");
            }
            DetectorSpec.Normalization norm = specs.stream().filter(s -> s.type().equals(type))
                    .map(DetectorSpec::normalization).findFirst().orElse(DetectorSpec.Normalization.TEXT);
            Action action = settings.actions().getOrDefault(type, specs.stream().filter(s -> s.type().equals(type))
                    .map(DetectorSpec::defaultAction).findFirst().orElse(Action.MASK));
            rules.add(new FieldRule(e.getKey(), type, action, norm));
        }
        return rules;
    }

    /** Whether the Hyperscan engine can run on this machine (x86-64 Linux with SSSE3 and its native library). */
    public static boolean hyperscanAvailable() {
        return HyperscanEngine.unavailableReason() == null;
    }

    /**
     * AUTO means the portable engine: on the built-in catalog it is measured as fast as Hyperscan on 200-byte mixed
     * lines and faster on clean and on short lines (benchmarks/RESULTS.md, "Hyperscan engine, branch hyperscan": the
     * Hyperscan engine now leaves the class-led patterns to a Java token pass that costs about what the portable
     * engine's whole DFA pass costs, so Hyperscan's own scan and call come on top). Hyperscan stays available by name.
     */
    private static CandidateEngine engine(EngineChoice choice, List<CompiledPattern> patterns,
                                          List<CompiledDetector> detectors) {
        EngineChoice c = choice == null ? EngineChoice.AUTO : choice;
        if (c == EngineChoice.PORTABLE) {
            return announce(new PortableEngine(patterns, detectors), "forced by config", patterns);
        }
        if (c == EngineChoice.AUTO) {
            return announce(new PortableEngine(patterns, detectors),
                    "as fast as or faster than hyperscan on this catalog, measured", patterns);
        }
        String unavailable = HyperscanEngine.unavailableReason();
        if (unavailable != null) {
            String platform = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
            throw new IllegalArgumentException("engine: hyperscan was requested but cannot run on " + platform
                    + " (" + unavailable + "); use engine: auto or portable");
        }
        PortableEngine fallback = new PortableEngine(patterns, detectors);
        return announce(new HyperscanEngine(patterns, detectors, fallback), "forced by config", patterns);
    }

    private static CandidateEngine announce(CandidateEngine engine, String why, List<CompiledPattern> patterns) {
        LOG.info("detection engine: {} ({}), {} patterns", engine.name(), why, patterns.size());
        return engine;
    }
}
