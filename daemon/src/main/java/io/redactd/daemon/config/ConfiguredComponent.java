package io.redactd.daemon.config;

/**
 * An input or output as configured: its id, its kind and its bound, valid config.
 *
 * @param <C> config record type
 * @param <T> component type
 */
public record ConfiguredComponent<C, T>(String id, ComponentType<C, T> type, C config) {
    public T build(ComponentContext context) {
        return type.factory().apply(config, context);
    }
}
