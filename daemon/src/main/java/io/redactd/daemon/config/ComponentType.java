package io.redactd.daemon.config;

import io.redactd.outputs.ConfigProblem;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A kind of input or output as the config names it ({@code type: file}): its config record, how that record checks
 * itself, and how the running component is built from it. Registering one of these in {@link ComponentRegistry} is
 * all it takes to add an input or output.
 *
 * <p>The config record is bound from the component's YAML mapping minus the common keys {@code type} and {@code id};
 * its components are the snake_case keys ({@code maxLineBytes} reads {@code max_line_bytes}), absent keys arrive as
 * null (apply defaults in the compact constructor), unknown keys are refused before binding.
 *
 * @param name        the {@code type:} value
 * @param configClass the config record
 * @param validator   returns problems with paths relative to the component ({@code paths[0]}); empty when valid
 * @param factory     builds the component; called only for a valid config, at daemon start
 * @param <C>         config record type
 * @param <T>         component type ({@code Input} or {@code Output})
 */
public record ComponentType<C, T>(String name, Class<C> configClass, Function<C, List<ConfigProblem>> validator,
                                  BiFunction<C, ComponentContext, T> factory) {

    /**
     * Adapts a {@code validate()} that returns {@code "key: message"} strings ({@code paths[0]: empty glob}); a string
     * without a key prefix is reported at the component itself.
     */
    public static List<ConfigProblem> keyed(List<String> problems) {
        return problems.stream().map(p -> {
            int sep = p.indexOf(": ");
            String key = sep > 0 ? p.substring(0, sep) : "";
            return key.matches("[A-Za-z0-9_.\\[\\]]+") ? ConfigProblem.of(key, p.substring(sep + 2)) : ConfigProblem.of("", p);
        }).toList();
    }
}
