package io.redactd.daemon.config;

import io.redactd.daemon.input.Input;
import io.redactd.daemon.input.file.FileInput;
import io.redactd.daemon.input.file.FileInputConfig;
import io.redactd.daemon.input.http.HttpInput;
import io.redactd.daemon.input.http.HttpInputConfig;
import io.redactd.daemon.input.stdin.StdinInput;
import io.redactd.daemon.input.stdin.StdinInputConfig;
import io.redactd.daemon.input.syslog.SyslogInput;
import io.redactd.daemon.input.syslog.SyslogInputConfig;
import io.redactd.outputs.Output;
import io.redactd.outputs.file.FileOutput;
import io.redactd.outputs.file.FileOutputConfig;
import io.redactd.outputs.stdout.StdoutOutput;
import io.redactd.outputs.stdout.StdoutOutputConfig;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Maps a config {@code type:} to its component. One line per input or output kind. */
public final class ComponentRegistry {
    private final Map<String, ComponentType<?, Input>> inputs = new TreeMap<>();
    private final Map<String, ComponentType<?, Output>> outputs = new TreeMap<>();

    /** Every input and output shipped with redactd. */
    public static ComponentRegistry builtIn() {
        return new ComponentRegistry()
                // Inputs:
                .input(new ComponentType<>("file", FileInputConfig.class, c -> ComponentType.keyed(c.validate()),
                        (c, ctx) -> new FileInput(ctx.vertx(), c, ctx.sink(), ctx.stateDir(), ctx.registry())))
                .input(new ComponentType<>("stdin", StdinInputConfig.class, StdinInputConfig::validate, StdinInput::new))
                .input(new ComponentType<>("syslog", SyslogInputConfig.class, SyslogInputConfig::validate, SyslogInput::new))
                .input(new ComponentType<>("http", HttpInputConfig.class, HttpInputConfig::validate, HttpInput::new))
                // Outputs:
                .output(new ComponentType<>("file", FileOutputConfig.class, FileOutputConfig::validate,
                        (c, ctx) -> new FileOutput(ctx.id(), c, ctx.vertx())))
                .output(new ComponentType<>("stdout", StdoutOutputConfig.class, StdoutOutputConfig::validate,
                        (c, ctx) -> new StdoutOutput(ctx.id(), ctx.vertx())));
    }

    public ComponentRegistry input(ComponentType<?, Input> type) {
        inputs.put(type.name(), type);
        return this;
    }

    public ComponentRegistry output(ComponentType<?, Output> type) {
        outputs.put(type.name(), type);
        return this;
    }

    public Optional<ComponentType<?, Input>> inputType(String name) {
        return Optional.ofNullable(inputs.get(name));
    }

    public Optional<ComponentType<?, Output>> outputType(String name) {
        return Optional.ofNullable(outputs.get(name));
    }

    public java.util.Set<String> inputNames() {
        return inputs.keySet();
    }

    public java.util.Set<String> outputNames() {
        return outputs.keySet();
    }
}
