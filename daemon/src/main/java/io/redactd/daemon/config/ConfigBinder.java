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
            .build();

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
     */
    public <C> C bind(JsonNode node, String path, Class<C> type, Function<C, List<ConfigProblem>> validator) {
        JsonNode n = node == null || node.isNull() || node.isMissingNode() ? JsonNodeFactory.instance.objectNode() : node;
        int before = problems.size();
        checkKeys(n, path, type);
        if (problems.size() > before) {
            return null;
        }
        C value;
        try {
            value = MAPPER.treeToValue(n, type);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            report(at(path, e), String.valueOf(cause.getMessage()));
            return null;
        } catch (JsonMappingException e) {
            report(at(path, e), describe(e));
            return null;
        } catch (Exception e) {
            report(path, "cannot be read: " + e.getClass().getSimpleName());
            return null;
        }
        if (validator != null) {
            for (ConfigProblem p : validator.apply(value)) {
                report(p.path().isEmpty() ? path : ConfigTree.child(path, p.path()), p.message());
            }
        }
        return value;
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

    private void checkKeys(JsonNode node, String path, Type type) {
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
                } else if (!f.getValue().isNull()) {
                    checkKeys(f.getValue(), childPath, comps[idx].getGenericType());
                }
            }
        } else if (List.class.isAssignableFrom(raw) && type instanceof ParameterizedType pt && node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkKeys(node.get(i), ConfigTree.index(path, i), pt.getActualTypeArguments()[0]);
            }
        } else if (Map.class.isAssignableFrom(raw) && type instanceof ParameterizedType pt && node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                checkKeys(f.getValue(), ConfigTree.child(path, f.getKey()), pt.getActualTypeArguments()[1]);
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
