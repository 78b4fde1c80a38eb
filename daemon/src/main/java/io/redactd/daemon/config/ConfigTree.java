package io.redactd.daemon.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The YAML document as a Jackson tree plus the line of every path, with {@code ${...}} substitution applied to
 * scalars. Built token by token because a tree read the usual way forgets where each value was.
 */
public final class ConfigTree {
    private final JsonNode root;
    private final Map<String, Integer> lines;
    private final List<Problem> problems;
    private final SubstitutedValues substituted;
    private final boolean unparsable;

    private ConfigTree(JsonNode root, Map<String, Integer> lines, List<Problem> problems, SubstitutedValues substituted,
                       boolean unparsable) {
        this.root = root;
        this.lines = lines;
        this.problems = problems;
        this.substituted = substituted;
        this.unparsable = unparsable;
    }

    public JsonNode root() {
        return root;
    }

    /** Problems found while reading: syntax errors, duplicate keys, unresolvable substitutions. */
    public List<Problem> problems() {
        return problems;
    }

    /** The line of {@code path}, or of its nearest ancestor when the path itself is absent (a missing key). */
    public int lineOf(String path) {
        String p = path;
        while (true) {
            Integer line = lines.get(p);
            if (line != null && !p.isEmpty()) {
                return line;
            }
            if (p.isEmpty()) {
                return 0;
            }
            p = parent(p);
        }
    }

    public Problem problem(String path, String message) {
        return new Problem(path, message, lineOf(path));
    }

    /**
     * {@code problem} without any value that {@code ${...}} substitution put into the config: those are often secrets
     * ({@code ${file:/run/secrets/token}}), and error messages are printed and logged. What it echoed of such a value
     * is replaced by where the value came from ({@code got the value of ${file:/run/secrets/token}}).
     */
    public Problem conceal(Problem problem) {
        String message = substituted.conceal(problem.path(), problem.message());
        return message.equals(problem.message()) ? problem : new Problem(problem.path(), message, problem.line());
    }

    /** A message about this config that has no path (found after loading), without any substituted value. */
    public String conceal(String message) {
        return substituted.concealAnywhere(message);
    }

    static String parent(String path) {
        int dot = path.lastIndexOf('.');
        int bracket = path.lastIndexOf('[');
        int cut = Math.max(dot, bracket);
        return cut < 0 ? "" : path.substring(0, cut);
    }

    public static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public static String index(String path, int i) {
        return path + "[" + i + "]";
    }

    public static ConfigTree parse(Reader yaml, Substitution substitution) {
        Builder b = new Builder(substitution);
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                b.problems.add(new Problem("", "the config file is empty", 0));
                return new ConfigTree(JsonNodeFactory.instance.objectNode(), b.lines, b.problems, b.substituted, false);
            }
            JsonNode root = b.value(p, "");
            return new ConfigTree(root, b.lines, b.problems, b.substituted, false);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            b.problems.add(new Problem("", "not valid YAML: " + conciseYamlError(e.getOriginalMessage()),
                    loc == null ? 0 : loc.getLineNr()));
            return new ConfigTree(JsonNodeFactory.instance.objectNode(), b.lines, b.problems, b.substituted, true);
        } catch (IOException e) {
            b.problems.add(new Problem("", "cannot read the config: " + e.getMessage(), 0));
            return new ConfigTree(JsonNodeFactory.instance.objectNode(), b.lines, b.problems, b.substituted, true);
        }
    }

    /**
     * True when the document could not be parsed at all (then other problems are only noise). A flag set where parsing
     * failed, not a look at the messages: a failed {@code ${file:...}} also says "cannot read", and it must not hide
     * the rest of the config's problems.
     */
    public boolean unparsable() {
        return unparsable;
    }

    /** SnakeYAML messages quote the offending lines with a caret; keep only the explanation. */
    private static String conciseYamlError(String message) {
        StringBuilder sb = new StringBuilder();
        for (String line : message.split("\n")) {
            if (line.isBlank() || line.startsWith(" ") || line.startsWith("\t")) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(line.strip());
        }
        return sb.toString();
    }

    private static final class Builder {
        private final JsonNodeFactory nodes = JsonNodeFactory.instance;
        private final Map<String, Integer> lines = new HashMap<>();
        private final List<Problem> problems = new ArrayList<>();
        private final SubstitutedValues substituted = new SubstitutedValues();
        private final Substitution substitution;

        Builder(Substitution substitution) {
            this.substitution = substitution;
        }

        /** Reads the value starting at the current token. */
        JsonNode value(JsonParser p, String path) throws IOException {
            int line = p.currentTokenLocation().getLineNr();
            lines.putIfAbsent(path, line);
            switch (p.currentToken()) {
                case START_OBJECT: {
                    ObjectNode obj = nodes.objectNode();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        String childPath = child(path, key);
                        int keyLine = p.currentTokenLocation().getLineNr();
                        p.nextToken();
                        if (obj.has(key)) {
                            problems.add(new Problem(childPath, "duplicate key", keyLine));
                            p.skipChildren();
                            continue;
                        }
                        lines.put(childPath, keyLine);
                        obj.set(key, value(p, childPath));
                    }
                    return obj;
                }
                case START_ARRAY: {
                    ArrayNode arr = nodes.arrayNode();
                    int i = 0;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        arr.add(value(p, index(path, i++)));
                    }
                    return arr;
                }
                case VALUE_STRING: {
                    String text = p.getText();
                    Substitution.Result r = substitution.apply(text);
                    if (r.error() != null) {
                        problems.add(new Problem(path, r.error(), line));
                    }
                    if (text.contains("${")) {
                        substituted.add(path, text, r.value());
                    }
                    return nodes.textNode(r.value());
                }
                case VALUE_NUMBER_INT:
                    return nodes.numberNode(p.getLongValue());
                case VALUE_NUMBER_FLOAT:
                    return nodes.numberNode(p.getDecimalValue());
                case VALUE_TRUE:
                    return nodes.booleanNode(true);
                case VALUE_FALSE:
                    return nodes.booleanNode(false);
                case VALUE_NULL:
                    return nodes.nullNode();
                default:
                    return nodes.textNode(p.getText());
            }
        }
    }
}
