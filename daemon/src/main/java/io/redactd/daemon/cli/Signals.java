package io.redactd.daemon.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SIGTERM and SIGINT as a latch, so the daemon can drain and return exit code 0 itself (a JVM that exits through its
 * default signal handling reports 143). A second signal while draining exits at once with 130.
 */
final class Signals {
    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicInteger received = new AtomicInteger();
    private volatile Runnable onReload = () -> System.err.println(
            "redactd: SIGHUP received before the daemon started; ignored");

    static Signals install() {
        Signals s = new Signals();
        List<String> ignored = new ArrayList<>();
        for (String name : new String[] {"TERM", "INT"}) {
            if (Signal.handle(new Signal(name), sig -> s.onSignal()) == SignalHandler.SIG_IGN) {
                ignored.add(name);
            }
        }
        // The JVM's default for SIGHUP is to exit; `systemctl reload` sends it to reload instead. The handler runs on
        // the JVM's signal thread; reloading is quick (parse, validate, compile) and never touches running inputs.
        if (Signal.handle(new Signal("HUP"), sig -> s.onReload.run()) == SignalHandler.SIG_IGN) {
            ignored.add("HUP");
        }
        warnIgnored(ignored);
        return s;
    }

    /**
     * A signal ignored when the JVM started (nohup ignores SIGHUP, a shell's background job SIGINT) stays ignored: the
     * JVM leaves such a signal alone and returns SIG_IGN instead of installing the handler, and Java cannot undo
     * that. Say so at start, or a `kill -HUP` would silently never reload.
     */
    static void warnIgnored(List<String> ignored) {
        for (String name : ignored) {
            if (name.equals("HUP")) {
                LOG.warn("SIGHUP was ignored when redactd started (nohup?): reload is unavailable, `kill -HUP` and "
                        + "`systemctl reload` will do nothing; restart redactd to apply config changes, or start it "
                        + "without nohup");
            } else {
                LOG.warn("SIG{} was ignored when redactd started (a background job?): it will not stop the daemon; "
                        + "stop it with {}", name, name.equals("INT") ? "SIGTERM" : "SIGINT");
            }
        }
    }

    private void onSignal() {
        if (received.incrementAndGet() > 1) {
            System.err.println("redactd: second signal, exiting without draining");
            Runtime.getRuntime().halt(130);
        }
        stop.countDown();
    }

    /** Ends {@link #await} as a stop signal would, for a daemon that asked to exit on its own (not a signal). */
    void release() {
        stop.countDown();
    }

    void onReload(Runnable action) {
        this.onReload = action;
    }

    void await() throws InterruptedException {
        stop.await();
    }
}
