package io.redactd.daemon.alert;

import io.vertx.core.Future;

/**
 * Where alert events ({@code event.kind: alert}) enter the event stream: documents built by the alert manager
 * from redacted text only, so they skip detection but are chained and written like any event.
 */
public interface AlertEventSink {
    Future<Void> submitAlertEvent(byte[] document);
}
