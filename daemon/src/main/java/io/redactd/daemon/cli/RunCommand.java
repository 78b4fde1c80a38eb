package io.redactd.daemon.cli;

import io.redactd.daemon.Daemon;
import io.redactd.daemon.config.ComponentRegistry;
import io.redactd.daemon.config.ConfigLoader;
import io.redactd.daemon.config.RedactdConfig;
import io.redactd.daemon.systemd.SystemdNotifier;
import io.redactd.detectors.DetectionPlan;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code redactd run --config FILE}: the daemon, until SIGTERM or SIGINT (then drains and exits 0). */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class, description = {
        "Run the daemon. SIGTERM/SIGINT drain in-flight events, commit input positions, flush outputs and exit 0.",
        "Exit 2 when the config is invalid, 1 when the daemon cannot start."})
final class RunCommand implements Callable<Integer> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunCommand.class);
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The YAML config.")
    Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        ConfigLoader.Result r = new ConfigLoader(ComponentRegistry.builtIn(), System.getenv()).load(config);
        if (!r.ok()) {
            spec.commandLine().getErr().print(config + ": ");
            CheckConfigCommand.report(spec.commandLine().getErr(), r);
            return 2;
        }
        try {
            return runUntilSignal(r.config(), config);
        } catch (CliFailure f) {
            // A detector that does not compile or a listener that cannot bind may name a value from ${...}.
            throw new CliFailure(f.exitCode(), r.conceal(f.getMessage()));
        }
    }

    static int runUntilSignal(RedactdConfig config) throws InterruptedException {
        return runUntilSignal(config, null);
    }

    /** @param configFile re-read on SIGHUP to reload the detectors and alert policy; null when there is no file (demo) */
    static int runUntilSignal(RedactdConfig config, Path configFile) throws InterruptedException {
        SystemdNotifier systemd;
        try {
            systemd = SystemdNotifier.fromEnvironment();
        } catch (IllegalArgumentException e) {
            throw new CliFailure(2, "systemd environment: " + e.getMessage());
        }
        try (systemd) {
            Signals signals = Signals.install();
            DetectionPlan plan = DetectionOptions.compile(config.detection());
            Daemon daemon;
            try {
                daemon = Daemon.start(config, plan);
            } catch (Daemon.StartException e) {
                throw new CliFailure(1, "cannot start: " + e.getMessage());
            }
            // Type=notify: READY=1 once inputs and outputs are up; the watchdog is fed from an event loop, and only
            // while every input and output is ready, so a stuck loop or a dead output gets the service restarted.
            // The reload handler is in place before READY=1: a SIGHUP sent as soon as the service is up (systemctl
            // reload right after start, or a client that saw the first events) must reload, not be ignored.
            if (configFile != null) {
                signals.onReload(() -> reload(configFile, daemon, systemd));
            }
            systemd.ready();
            systemd.watchdogInterval().ifPresent(interval -> daemon.whileReady(interval, systemd::watchdog));
            daemon.exitRequested().onSuccess(reason -> signals.release());
            signals.await();
            systemd.stopping();
            daemon.stop(DRAIN_TIMEOUT);
            if (daemon.exitRequested().isComplete()) {
                // EX_TEMPFAIL: the unit's Restart=on-failure (or the kubelet) starts it again on a fresh state_dir
                throw new CliFailure(75, daemon.exitRequested().result());
            }
            return 0;
        }
    }

    /**
     * SIGHUP: re-read and validate the config file and swap in its detectors and alert policy. A config with problems is refused as a
     * whole (the running one stays in force) and each problem is logged with its path and line, never a value.
     */
    private static void reload(Path configFile, Daemon daemon, SystemdNotifier systemd) {
        systemd.reloading();
        ConfigLoader.Result r = null;
        try {
            r = new ConfigLoader(ComponentRegistry.builtIn(), System.getenv()).load(configFile);
            if (!r.ok()) {
                java.io.StringWriter text = new java.io.StringWriter();
                CheckConfigCommand.report(new java.io.PrintWriter(text, true), r);
                LOG.error("reload refused, the running configuration stays in force: {}: {}", configFile,
                        text.toString().strip().replace('\n', ';'));
                return;
            }
            // Compile first: a detector that does not compile refuses the whole reload, alert policy included.
            DetectionPlan plan = DetectionOptions.compile(r.config().detection());
            daemon.reloadDetectors(plan);
            daemon.reloadAlerts(r.config().alerts());
            daemon.reloadCertificates();
        } catch (RuntimeException e) {
            LOG.error("reload failed, the running configuration stays in force: {}",
                    r == null ? e.getMessage() : r.conceal(e.getMessage()));
        } finally {
            systemd.ready();
        }
    }
}
