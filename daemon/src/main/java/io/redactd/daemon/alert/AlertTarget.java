package io.redactd.daemon.alert;

import io.vertx.core.Future;

/** A place alerts are delivered to. {@link DeliveryLane} queues and retries; a target only sends one alert. */
public interface AlertTarget {
    String id();

    /** Sends one alert; fails with {@link DeliveryException} (or any exception: retried). */
    Future<Void> send(Alert alert);

    Future<Void> close();

    /** A delivery failure; {@code permanent} ones (a 4xx other than 408/429) are not retried. */
    final class DeliveryException extends RuntimeException {
        private final boolean permanent;

        public DeliveryException(String message, boolean permanent) {
            super(message, null, false, false);
            this.permanent = permanent;
        }

        public boolean permanent() {
            return permanent;
        }
    }
}
