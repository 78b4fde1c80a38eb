package io.redactd.daemon.cli;

import io.redactd.daemon.integrity.KeygenCommand;
import io.redactd.daemon.integrity.VerifyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code redactd}: the entry point of the jar. */
@Command(name = "redactd", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Strips or tokenizes PHI/PII from logs, as a CLI filter or as a log-shipping daemon.",
        subcommands = {
                RunCommand.class,
                CheckConfigCommand.class,
                RedactCommand.class,
                ScanCommand.class,
                DetectorsCommand.class,
                DemoCommand.class,
                VersionCommand.class,
                VerifyCommand.class,
                KeygenCommand.class,
                CommandLine.HelpCommand.class
        })
public final class RedactdCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
        throw new CliFailure(2, "a subcommand is required");
    }

    public static void main(String[] args) {
        configureLogging(args.length > 0 ? args[0] : "");
        System.exit(execute(args));
    }

    /** Runs a command line and returns the exit code (tests call this in-process). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new RedactdCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // A usage error gets its one line and where the help is, not the whole help text after it (83 lines for verify).
        cl.setParameterExceptionHandler((e, badArgs) -> {
            CommandLine failed = e.getCommandLine();
            java.io.PrintWriter err = failed.getErr();
            err.println("redactd: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for the options.");
            err.flush();
            return failed.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CliFailure f) {
                commandLine.getErr().println("redactd: " + f.getMessage());
                commandLine.getErr().flush();
                return f.exitCode();
            }
            throw e;
        });
        return cl.execute(args);
    }

    /**
     * The daemon logs to stderr (stdout carries data for {@code redact} and the stdout output). The filter commands log
     * only warnings, so their stderr stays quiet. Vert.x is routed through SLF4J so every line has one format.
     */
    private static void configureLogging(String command) {
        boolean daemon = command.equals("run") || command.equals("demo");
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", daemon ? "info" : "warn");
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setDefault("org.slf4j.simpleLogger.showThreadName", "false");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
        setDefault("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
