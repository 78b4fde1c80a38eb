package io.redactd.daemon.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Replaces {@code ${NAME}}, {@code ${NAME:-default}} (environment) and {@code ${file:/path}} (file content, trimmed:
 * for secrets) in config strings. {@code $${} gives a literal {@code ${}. Errors name the variable or file, never a
 * value.
 */
public final class Substitution {
    private final Map<String, String> env;

    public Substitution(Map<String, String> env) {
        this.env = env;
    }

    public record Result(String value, String error) {
    }

    public Result apply(String s) {
        if (s.indexOf('$') < 0) {
            return new Result(s, null);
        }
        StringBuilder out = new StringBuilder(s.length());
        String error = null;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '$' && s.startsWith("$${", i)) {
                out.append("${");
                i += 3;
                continue;
            }
            if (c == '$' && s.startsWith("${", i)) {
                int end = s.indexOf('}', i + 2);
                if (end < 0) {
                    error = first(error, "unclosed '${' (write '$${' for a literal)");
                    out.append(s, i, s.length());
                    break;
                }
                String expr = s.substring(i + 2, end);
                Result r = resolve(expr);
                error = first(error, r.error());
                out.append(r.value());
                i = end + 1;
                continue;
            }
            out.append(c);
            i++;
        }
        return new Result(out.toString(), error);
    }

    private Result resolve(String expr) {
        if (expr.startsWith("file:")) {
            String file = expr.substring(5);
            try {
                return new Result(Files.readString(Path.of(file), StandardCharsets.UTF_8).strip(), null);
            } catch (java.nio.file.NoSuchFileException e) {
                return new Result("", "cannot read ${file:" + file + "}: no such file");
            } catch (java.nio.file.AccessDeniedException e) {
                return new Result("", "cannot read ${file:" + file + "}: permission denied");
            } catch (IOException | RuntimeException e) {
                return new Result("", "cannot read ${file:" + file + "}: " + e.getClass().getSimpleName());
            }
        }
        int dflt = expr.indexOf(":-");
        String name = dflt < 0 ? expr : expr.substring(0, dflt);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            return new Result("", "'${" + expr + "}' is not a valid reference (use ${NAME}, ${NAME:-default} or ${file:/path})");
        }
        String v = env.get(name);
        if (v == null || (dflt >= 0 && v.isEmpty())) {
            if (dflt >= 0) {
                return new Result(expr.substring(dflt + 2), null);
            }
            return new Result("", "environment variable " + name + " is not set (use ${" + name + ":-default} for a default)");
        }
        return new Result(v, null);
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }
}
