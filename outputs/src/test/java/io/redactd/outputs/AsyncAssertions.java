package io.redactd.outputs;

import io.vertx.core.Future;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Waiting in tests for Vert.x futures and for conditions that other threads make true, always with a deadline. */
public final class AsyncAssertions {
    private AsyncAssertions() {
    }

    /** The future's value; fails the test after 30 s. */
    public static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Returns once {@code condition} holds; fails the test, naming {@code what}, after 20 s. */
    public static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for " + what).isLessThan(deadline);
            Thread.sleep(20); // polling interval of a condition with a deadline
        }
    }
}
