package io.redactd.daemon.input.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition with a deadline instead of sleeping a fixed time. */
public final class Await {

    private Await() {
    }

    /** Lines in a file something else is writing: 0 while it does not exist or cannot be read yet. */
    public static long lines(Path file) {
        try {
            if (!Files.exists(file)) {
                return 0;
            }
            try (var s = Files.lines(file)) {
                return s.count();
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, condition, () -> "");
    }

    /** {@link #until(String, Duration, BooleanSupplier)} whose failure also shows {@code state} at the deadline. */
    public static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<Object> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + " " + state.get());
            }
            pause();
        }
    }

    /** Checks that {@code condition} holds at every poll for the whole {@code window} (absence of progress). */
    static void holdsFor(String what, Duration window, Supplier<String> violation) {
        long end = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < end) {
            String v = violation.get();
            if (v != null) {
                throw new AssertionError(what + ": " + v);
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
