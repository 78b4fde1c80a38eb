package io.redactd.daemon.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.redactd.outputs.ConfigProblem;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Binds a subtree onto a config record (keys in snake_case) and collects every problem with its path and line:
 * all unknown keys (checked against the record components, recursively, before binding so they are all reported),
 * then a type mismatch if any, then the record's own {@code validate()} problems.
 */
public final class ConfigBinder {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            // rotate_wait_ms: 1.5 is a mistake to report, not a 1 to run with.
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();
    /** Bound on the rebinding after a bad value: each round reports one more field. */
    private static final int MAX_BIND_ROUNDS = 64;

    private final ConfigTree tree;
    private final List<Problem> problems;

    public ConfigBinder(ConfigTree tree, List<Problem> problems) {
        this.tree = tree;
        this.problems = problems;
    }

    public ConfigTree tree() {
        return tree;
    }

    public void report(String path, String message) {
        problems.add(tree.problem(path, message));
    }

    /**
     * Binds {@code node} (a missing or null node binds as an empty mapping, so defaults apply) and validates it.
     * Returns null when the node could not be bound; its problems are recorded.
     *
     * <p>Every problem of the section is reported, not only the first: an unknown key or a value of the wrong type
     * is reported and left out (its default takes its place), and the rest is bound and validated again, so a bad
     * {@code max_line_bytes} does not hide a bad {@code poll_interval_ms} beside it. The section still counts as not
     * bound (null).
     */
    public <C> C bind(JsonNode node, String path, Class<C> type, Function<C, List<ConfigProblem>> validator) {
        // A copy: what is left out must not change the tree the loader reads other sections from.
        JsonNode n = node == null || node.isNull() || node.isMissingNode() ? JsonNodeFactory.instance.objectNode() : node.deepCopy();
        List<Runnable> leaveOut = new ArrayList<>();
        checkKeys(n, path, type, leaveOut);
        boolean failed = !leaveOut.isEmpty();
        leaveOut.forEach(Runnable::run);
        C value = null;
        for (int round = 0; value == null && round < MAX_BIND_ROUNDS; round++) {
            try {
                value = MAPPER.treeToValue(n, type);
            } catch (ValueInstantiationException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                report(at(path, e), String.valueOf(cause.getMessage()));
                failed = true;
                if (!leaveOut(n, e)) {
                    return null;
                }
            } catch (JsonMappingException e) {
                report(at(path, e), describe(e));
                failed = true;
                if (!leaveOut(n, e)) {
                    return null;
                }
            } catch (Exception e) {
                report(path, "cannot be read: " + e.getClass().getSimpleName());
                return null;
            }
        }
        if (value == null) {
            return null;
        }
        if (validator != null) {
            List<ConfigProblem> found;
            try {
                found = validator.apply(value);
            } catch (RuntimeException e) {
                if (!failed) {
                    throw e;
                }
                // Validators are written for what binds; with values left out the section is already refused.
                found = List.of();
            }
            for (ConfigProblem p : found) {
                report(p.path().isEmpty() ? path : ConfigTree.child(path, p.path()), p.message());
            }
        }
        return failed ? null : value;
    }

    /**
     * Removes the field {@code e} failed on from {@code root}, so binding can go on to the next one. False when there
     * is nothing to remove (the section itself, a list element, a field already gone): then binding stops there.
     */
    private static boolean leaveOut(JsonNode root, JsonMappingException e) {
        List<JsonMappingException.Reference> refs = e.getPath();
        if (refs.isEmpty()) {
            return false;
        }
        JsonNode parent = root;
        for (int i = 0; i < refs.size() - 1 && parent != null; i++) {
            JsonMappingException.Reference r = refs.get(i);
            parent = r.getFieldName() != null ? parent.get(r.getFieldName()) : parent.get(r.getIndex());
        }
        String field = refs.get(refs.size() - 1).getFieldName();
        if (!(parent instanceof ObjectNode obj) || field == null || !obj.has(field)) {
            return false;
        }
        obj.remove(field);
        return true;
    }

    private static String at(String base, JsonMappingException e) {
        String p = base;
        for (JsonMappingException.Reference r : e.getPath()) {
            p = r.getFieldName() != null ? ConfigTree.child(p, r.getFieldName()) : ConfigTree.index(p, r.getIndex());
        }
        return p;
    }

    /** Never echoes the offending value: it may be a secret substituted from a file. */
    private static String describe(JsonMappingException e) {
        if (e instanceof InvalidFormatException f) {
            return "expected " + typeName(f.getTargetType());
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return "expected " + typeName(m.getTargetType());
        }
        return "cannot be read: " + e.getOriginalMessage().replaceAll("\"[^\"]*\"", "(value)");
    }

    static String typeName(Class<?> c) {
        if (c == Integer.class || c == int.class || c == Long.class || c == long.class) {
            return "a whole number";
        }
        if (c == Boolean.class || c == boolean.class) {
            return "true or false";
        }
        if (c.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object constant : c.getEnumConstants()) {
                names.add(constant.toString().toLowerCase(java.util.Locale.ROOT));
            }
            return "one of: " + String.join(", ", names);
        }
        if (c == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(c) || c.isArray()) {
            return "a list";
        }
        return "a mapping";
    }

    /** Reports unknown keys; {@code leaveOut} gets, for each, the removal of it from {@code node}. */
    private void checkKeys(JsonNode node, String path, Type type, List<Runnable> leaveOut) {
        Class<?> raw = rawClass(type);
        if (raw == null) {
            return;
        }
        if (raw.isRecord()) {
            if (!node.isObject()) {
                // A record may also be written as a scalar (a delegating creator); binding judges that.
                return;
            }
            RecordComponent[] comps = raw.getRecordComponents();
            List<String> known = new ArrayList<>();
            for (RecordComponent rc : comps) {
                known.add(snake(rc.getName()));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                int idx = known.indexOf(f.getKey());
                String childPath = ConfigTree.child(path, f.getKey());
                if (idx < 0) {
                    report(childPath, "unknown key '" + f.getKey() + "'"
                            + (known.isEmpty() ? " (this section takes no keys)" : " (expected one of: " + String.join(", ", known) + ")"));
                    ObjectNode parent = (ObjectNode) node;
                    String key = f.getKey();
                    leaveOut.add(() -> parent.remove(key));
                } else if (!f.getValue().isNull()) {
                    checkKeys(f.getValue(), childPath, comps[idx].getGenericType(), leaveOut);
                }
            }
        } else if (List.class.isAssignableFrom(raw) && type instanceof ParameterizedType pt && node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkKeys(node.get(i), ConfigTree.index(path, i), pt.getActualTypeArguments()[0], leaveOut);
            }
        } else if (Map.class.isAssignableFrom(raw) && type instanceof ParameterizedType pt && node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                checkKeys(f.getValue(), ConfigTree.child(path, f.getKey()), pt.getActualTypeArguments()[1], leaveOut);
            }
        }
    }

    private static Class<?> rawClass(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> c) {
            return c;
        }
        return null;
    }

    /** Jackson's SNAKE_CASE for plain camelCase names: maxBytes -> max_bytes. */
    static String snake(String camel) {
        StringBuilder sb = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    sb.append('_');
                }
                sb.append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
