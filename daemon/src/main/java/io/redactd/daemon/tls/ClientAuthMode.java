package io.redactd.daemon.tls;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.vertx.core.http.ClientAuth;
import java.util.Locale;

/** Whether a listener asks for client certificates ({@code tls.client_auth}). */
public enum ClientAuthMode {
    NONE(ClientAuth.NONE),
    OPTIONAL(ClientAuth.REQUEST),
    REQUIRED(ClientAuth.REQUIRED);

    private final ClientAuth vertx;

    ClientAuthMode(ClientAuth vertx) {
        this.vertx = vertx;
    }

    ClientAuth vertx() {
        return vertx;
    }

    @JsonValue
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ClientAuthMode fromConfig(String value) {
        for (ClientAuthMode mode : values()) {
            if (mode.configName().equals(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("expected none, optional or required, got '" + value + "'");
    }
}
