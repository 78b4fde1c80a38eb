package io.redactd.daemon.cli;

import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SIGTERM and SIGINT as a latch, so the daemon can drain and return exit code 0 itself (a JVM that exits through its
 * default signal handling reports 143). A second signal while draining exits at once with 130.
 */
final class Signals {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicInteger received = new AtomicInteger();

    static Signals install() {
        Signals s = new Signals();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), sig -> s.onSignal());
        }
        // The JVM's default for SIGHUP is to exit; `systemctl reload` sends it. Until reloading lands, keep running.
        Signal.handle(new Signal("HUP"), sig -> System.err.println(
                "redactd: SIGHUP received; reloading is not supported yet, the running configuration is unchanged"));
        return s;
    }

    private void onSignal() {
        if (received.incrementAndGet() > 1) {
            System.err.println("redactd: second signal, exiting without draining");
            Runtime.getRuntime().halt(130);
        }
        stop.countDown();
    }

    void await() throws InterruptedException {
        stop.await();
    }
}
